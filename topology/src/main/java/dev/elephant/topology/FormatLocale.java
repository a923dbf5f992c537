package dev.elephant.topology;

import java.util.Locale;

/**
 * Pins the JVM's locale for formatting to {@code en-US} where Elephant runs its topology. Kafka Streams (4.3 and 4.4)
 * builds a diagnostic line with {@code String.format} for every record a task processes while one of the task's input
 * partitions is empty ({@code PartitionGroup.readyToProcess}, added by KAFKA-19682; built whatever the log level),
 * and that is most records: the instance table's task reads {@code instance-events} and the DNS sink's outcomes, the
 * reaper's the idle changes and the ticks, and one side is empty nearly always. The JDK's formatter looks up the
 * zero digit by building new {@code DecimalFormatSymbols} for every {@code %d} unless the locale is exactly
 * {@code en-US}; on a host whose locale names a language without a country ({@code C.UTF-8}, as in most container
 * images, is {@code en}) that was 8 % of the stream threads' samples in a profile of the topology over a million
 * events (docs/BENCHMARKS.md, "Topology"). Elephant's own text never depends on the locale (it formats with
 * {@link Locale#ROOT}), so pinning it changes nothing Elephant writes; only the formatting category is pinned, not
 * the display language.
 */
public final class FormatLocale {

    private FormatLocale() {}

    /** Makes {@code en-US} the default locale for formatting, if it is not already. */
    public static void pin() {
        if (!Locale.US.equals(Locale.getDefault(Locale.Category.FORMAT))) {
            Locale.setDefault(Locale.Category.FORMAT, Locale.US);
        }
    }
}
