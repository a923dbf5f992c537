package dev.elephant.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A failover declaration as users write it: checked whole, every problem naming its field, defaults filled in. */
class FailoverNameTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");

    private static JsonNode json(String text) {
        return Json.mapper().valueToTree(Json.fromBytes(text.getBytes(), Object.class));
    }

    private static FailoverName parse(String text) throws FailoverName.Invalid {
        return FailoverName.parse(json(text), null, FailoverName.SOURCE_API, "d1", NOW);
    }

    @Test
    void theIssuesExampleIsTakenWithItsDefaultsFilledIn() throws Exception {
        FailoverName d = parse("{\"name\":\"db\",\"primary\":{\"address\":\"10.0.1.5\"},\"secondary\":{\"instanceId\":"
                + "\"i-0ABC1234\"},\"check\":{\"type\":\"tcp\",\"port\":5432},\"interval\":\"PT10S\",\"timeout\":"
                + "\"PT2S\",\"failures\":3,\"passes\":2}");
        assertThat(d.primary()).isEqualTo(new FailoverName.Target("10.0.1.5", null));
        assertThat(d.secondary().instanceId()).isEqualTo("i-0abc1234");
        assertThat(d.ttl()).isEqualTo(60);
        assertThat(d.intervalDuration()).hasSeconds(10);
        assertThat(TopicSchemas.problems("failover-names", Json.toBytes(d))).isEmpty();

        FailoverName http = parse("{\"name\":\"api\",\"primary\":{\"address\":\"10.0.1.5\"},\"secondary\":{\"address\":"
                + "\"10.0.1.6\"},\"check\":{\"type\":\"http\",\"port\":8080,\"path\":\"/health\",\"body\":\"ok\"}}");
        assertThat(http.check().status()).isEqualTo("200-399");
        assertThat(http.check().accepts(204)).isTrue();
        assertThat(http.check().accepts(503)).isFalse();
        assertThat(http.interval()).isEqualTo("PT10S");
        assertThat(http.failures()).isEqualTo(3);
        assertThat(http.passes()).isEqualTo(2);
    }

    @Test
    void everyProblemIsNamedAtOnce() {
        assertThatThrownBy(() -> parse("{\"name\":\"Db_1\",\"primary\":{\"address\":\"10.0.1.300\"},\"secondary\":{},"
                + "\"check\":{\"type\":\"tcp\",\"port\":70000,\"path\":\"/\"},\"interval\":\"10s\",\"failures\":0,"
                + "\"passes\":\"two\",\"ttl\":30,\"color\":\"red\"}"))
                .isInstanceOf(FailoverName.Invalid.class)
                .satisfies(e -> assertThat(((FailoverName.Invalid) e).problems()).containsExactlyInAnyOrder(
                        "\"color\" is not a field of a failover declaration (known: [check, failures, interval, name, "
                                + "passes, primary, secondary, timeout, ttl])",
                        "name \"Db_1\" must be one DNS label: 1 to 63 lower-case letters, digits or '-', not starting "
                                + "or ending with '-'",
                        "primary.address \"10.0.1.300\" is not an IPv4 address such as 10.0.1.5",
                        "secondary must have exactly one of address and instanceId",
                        "check.port must be 1..65535, was 70000",
                        "check.path is for http and https checks, not tcp",
                        "interval \"10s\" is not an ISO-8601 duration such as PT10S",
                        "failures must be 1..10, was 0",
                        "passes \"two\" is not a whole number",
                        "ttl must be 1 (automatic) or 60..86400 seconds (Cloudflare's range), was 30"));
    }

    @Test
    void aNameThatIsAnInstanceIdIsRefused() {
        assertThatThrownBy(() -> parse("{\"name\":\"i-0abc1234\",\"primary\":{\"address\":\"10.0.1.5\"},\"secondary\":"
                + "{\"address\":\"10.0.1.6\"},\"check\":{\"type\":\"tcp\",\"port\":22}}"))
                .hasMessageContaining("name i-0abc1234 is an instance id");
    }

    @Test
    void theTimeoutMustBeShorterThanTheIntervalAndTargetsDiffer() {
        assertThatThrownBy(() -> parse("{\"name\":\"db\",\"primary\":{\"address\":\"10.0.1.5\"},\"secondary\":"
                + "{\"address\":\"10.0.1.5\"},\"check\":{\"type\":\"tcp\",\"port\":22},\"interval\":\"PT1S\","
                + "\"timeout\":\"PT1S\"}"))
                .hasMessageContaining("secondary is the primary")
                .hasMessageContaining("timeout (PT1S) must be shorter than interval (PT1S)");
    }

    @Test
    void theRunConfigsTextValuesMeanTheSame() throws Exception {
        JsonNode config = json("{\"primary\":{\"address\":\"10.0.1.5\"},\"secondary\":{\"address\":\"10.0.1.6\"},"
                + "\"check\":{\"type\":\"https\",\"port\":\"443\",\"status\":\"200\"},\"failures\":\"2\"}");
        FailoverName d = FailoverName.parse(config, "web", FailoverName.SOURCE_CONFIG, "d1", NOW);
        assertThat(d.name()).isEqualTo("web");
        assertThat(d.check().port()).isEqualTo(443);
        assertThat(d.failures()).isEqualTo(2);
        assertThat(d.check().accepts(200)).isTrue();
        assertThat(d.check().accepts(201)).isFalse();
    }
}
