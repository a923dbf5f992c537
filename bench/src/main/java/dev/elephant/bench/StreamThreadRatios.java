package dev.elephant.bench;

import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.Set;
import java.util.StringJoiner;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Where each stream thread's time goes, from Kafka Streams' own thread metrics in this JVM (process-, commit-,
 * poll- and punctuate-ratio: fractions of the thread's wall time over the metrics' window), with its commits' rate
 * and mean latency: whether a thread waits on its transactions or works.
 */
final class StreamThreadRatios {

    private static final String[] RATIOS = {"process-ratio", "commit-ratio", "poll-ratio", "punctuate-ratio"};

    private StreamThreadRatios() {}

    static String now() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        StringJoiner all = new StringJoiner("; ");
        try {
            Set<ObjectName> names = server.queryNames(new ObjectName("kafka.streams:type=stream-thread-metrics,*"), null);
            for (ObjectName n : names) {
                String thread = n.getKeyProperty("thread-id");
                if (n.getKeyProperty("process-id") != null || !thread.matches(".*StreamThread-\\d+")) {
                    continue; // the bean of the thread's state alone; the state updaters' own
                }
                StringJoiner one = new StringJoiner(", ", thread.substring(thread.lastIndexOf("StreamThread")) + " ", "");
                for (String r : RATIOS) {
                    one.add(String.format(Locale.ROOT, "%s %.2f", r.replace("-ratio", ""),
                            ((Number) server.getAttribute(n, r)).doubleValue()));
                }
                one.add(String.format(Locale.ROOT, "commits %.1f/s of %.0f ms",
                        ((Number) server.getAttribute(n, "commit-rate")).doubleValue(),
                        ((Number) server.getAttribute(n, "commit-latency-avg")).doubleValue()));
                all.add(one.toString());
            }
        } catch (Exception e) {
            return "unavailable (" + e + ")";
        }
        return all.toString();
    }
}
