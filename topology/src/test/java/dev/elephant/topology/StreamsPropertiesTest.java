package dev.elephant.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

    @Test
    void runningTheTopologyPinsTheFormatLocaleToEnUs() {
        Locale before = Locale.getDefault(Locale.Category.FORMAT);
        Locale display = Locale.getDefault(Locale.Category.DISPLAY);
        try {
            // What a host whose locale is C.UTF-8 gives the JVM: a language without a country.
            Locale.setDefault(Locale.Category.FORMAT, Locale.forLanguageTag("en"));

            var p = StreamsProperties.of(Map.of(), "app", Path.of("state"), 1, "dead-letter");

            assertThat(p.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
            assertThat(Locale.getDefault(Locale.Category.FORMAT)).isEqualTo(Locale.US);
            assertThat(Locale.getDefault(Locale.Category.DISPLAY)).isEqualTo(display);
        } finally {
            Locale.setDefault(Locale.Category.FORMAT, before);
        }
    }

    @Test
    void theRestoreConsumerDoesNotWaitAtTheBrokerForChangelogsWithNothingToRead() {
        var p = StreamsProperties.of(Map.of(), "app", Path.of("state"), 1, "dead-letter");
        assertThat(p.get(StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG)))
                .isEqualTo(StreamsProperties.RESTORE_FETCH_MAX_WAIT_MS);
        assertThat(StreamsProperties.RESTORE_FETCH_MAX_WAIT_MS).isLessThan(ConsumerConfig.DEFAULT_FETCH_MAX_WAIT_MS);

        // a deployment's own setting wins
        var own = StreamsProperties.of(Map.of("restore.consumer.fetch.max.wait.ms", 200), "app", Path.of("state"), 1,
                "dead-letter");
        assertThat(own.get("restore.consumer.fetch.max.wait.ms")).isEqualTo(200);
    }

    @Test
    void aReplayCatchingUpCommitsLessOftenThanALiveRunAndOtherwiseRunsTheSame() {
        var live = StreamsProperties.of(Map.of("bootstrap.servers", "kafka:9092"), "app", Path.of("state"), 1,
                "dead-letter");

        var catchingUp = StreamsProperties.catchingUp(live);

        assertThat(live.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(100);
        assertThat(catchingUp.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(1_000);
        var rest = new Properties();
        rest.putAll(catchingUp);
        rest.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        assertThat(rest).isEqualTo(live);
        assertThat(live.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).as("live left as it was").isEqualTo(100);
    }
}
