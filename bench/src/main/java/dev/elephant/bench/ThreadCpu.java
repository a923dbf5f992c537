package dev.elephant.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * CPU time per thread of this JVM between two moments, by thread name with numbers and ids folded, so a
 * run can say where its cores went (the stream thread, the broker's handlers, the JIT) rather than only
 * how fast it was. Threads that ended in between are not counted; GC and JIT threads are not Java threads
 * the bean reports — the process total beside it includes them.
 */
final class ThreadCpu {

    /** The key of the process's own total in {@link #secondsSinceStart()}. */
    static final String WHOLE_PROCESS = "whole process (GC and JIT included)";

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> startNanos = new HashMap<>();
    private final long processStart = processCpuNanos();
    private final long gcMillisStart = gcMillis();
    private final long jitMillisStart = jitMillis();

    private ThreadCpu() {
        for (long id : THREADS.getAllThreadIds()) {
            startNanos.put(id, THREADS.getThreadCpuTime(id));
        }
    }

    static ThreadCpu start() {
        return new ThreadCpu();
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(gc -> Math.max(0, gc.getCollectionTime())).sum();
    }

    /** Time the JIT's compiler threads spent compiling (they are not threads the bean reports). */
    private static long jitMillis() {
        var jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** Seconds of CPU per thread group since the start, largest first, with the process total first. */
    Map<String, Double> secondsSinceStart() {
        Map<String, Double> byGroup = new HashMap<>();
        for (long id : THREADS.getAllThreadIds()) {
            long now = THREADS.getThreadCpuTime(id);
            ThreadInfo info = THREADS.getThreadInfo(id);
            if (now < 0 || info == null) {
                continue;
            }
            long used = now - startNanos.getOrDefault(id, 0L);
            byGroup.merge(group(info.getThreadName()), used / 1e9, Double::sum);
        }
        Map<String, Double> sorted = new LinkedHashMap<>();
        sorted.put(WHOLE_PROCESS, (processCpuNanos() - processStart) / 1e9);
        sorted.put("GC pauses (wall time, not CPU)", (gcMillis() - gcMillisStart) / 1e3);
        sorted.put("JIT compiling (compiler threads' time)", (jitMillis() - jitMillisStart) / 1e3);
        byGroup.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    String table(String title, double wallSeconds, int rows) {
        return table(secondsSinceStart(), title, wallSeconds, rows);
    }

    /** The first {@code rows} groups of one reading of {@link #secondsSinceStart()}, as table rows. */
    static String table(Map<String, Double> used, String title, double wallSeconds, int rows) {
        return used.entrySet().stream().limit(rows)
                .map(e -> String.format(Locale.ROOT, "| %-24s | %-64s | %8.1f | %6.2f |", title, e.getKey(),
                        e.getValue(), e.getValue() / wallSeconds))
                .collect(Collectors.joining("\n"));
    }

    static String header() {
        return String.format(Locale.ROOT, "| %-24s | %-64s | %8s | %6s |%n", "phase", "threads", "cpu s", "cores")
                + "|--------------------------|------------------------------------------------------------------|----------|--------|";
    }

    private static String group(String name) {
        String g = name.replaceAll("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "*")
                .replaceAll("\\d+", "N");
        return g.length() > 64 ? g.substring(0, 64) : g;
    }
}
