package dev.elephant.connector.ingest;

import dev.elephant.standins.aws.EventBridgeSamples;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Events exactly as EventBridge delivers them (../shared/fixtures/eventbridge) and input that is not. */
class EventBridgeParseTest {

    @ParameterizedTest
    @ValueSource(strings = {"pending", "running", "stopping", "stopped", "shutting-down", "terminated"})
    void everyEc2StateChangeSampleIsUnderstood(String state) throws Exception {
        StateChange.Ec2Instance change = EventBridgeIngest.parse(EventBridgeSamples.read("ec2-" + state + ".json"));
        assertThat(change.state()).isEqualTo(state);
        assertThat(change.instanceId()).isEqualTo("i-0a1b2c3d4e5f67890");
        assertThat(change.eventId()).isNotBlank();
        assertThat(change.time()).isAfter(Instant.parse("2026-01-01T00:00:00Z"));
    }

    @Test
    void ecsTaskStateChangeSamplesAreUnderstood() throws Exception {
        StateChange.EcsTask running = (StateChange.EcsTask) EventBridgeIngest.parseAny(EventBridgeSamples.read("ecs-task-running.json"));
        assertThat(running.taskId()).isEqualTo("c13b4cb40f1f4fe4a2971f76ae5a47ad");
        assertThat(running.version()).isEqualTo(4);
        assertThat(running.lastStatus()).isEqualTo("RUNNING");
        assertThat(running.desiredStatus()).isEqualTo("RUNNING");
        assertThat(running.networkInterfaceId()).isEqualTo("eni-0abcd1234ef567890");
        assertThat(running.privateIp()).isEqualTo("10.0.0.139");

        StateChange.EcsTask stopping = (StateChange.EcsTask) EventBridgeIngest.parseAny(EventBridgeSamples.read("ecs-task-stopping.json"));
        assertThat(stopping.version()).isEqualTo(6);
        assertThat(stopping.lastStatus()).isEqualTo("DEPROVISIONING");
        assertThat(stopping.desiredStatus()).isEqualTo("STOPPED");
    }

    @Test
    void unknownFieldsAreIgnoredAsAwsAddsThemOverTime() throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(EventBridgeSamples.read("ecs-task-running.json"));
        ((ObjectNode) event.get("detail")).put("capacityProviderName", "FARGATE_SPOT").putObject("ephemeralStorage")
                .put("sizeInGiB", 20);
        event.put("replay-name", "x");
        StateChange.EcsTask task = (StateChange.EcsTask) EventBridgeIngest.parseAny(Json.toBytes(event));
        assertThat(task.version()).isEqualTo(4);
    }

    @Test
    void ecsTaskWithoutAVersionOrWithAnOddTaskArnIsRejected() throws Exception {
        ObjectNode noVersion = (ObjectNode) Json.mapper().readTree(EventBridgeSamples.read("ecs-task-running.json"));
        ((ObjectNode) noVersion.get("detail")).remove("version");
        assertThatThrownBy(() -> EventBridgeIngest.parseAny(Json.toBytes(noVersion)))
                .isInstanceOfSatisfying(EventBridgeIngest.Malformed.class,
                        e -> assertThat(e.reason).isEqualTo(IngestReason.MISSING_FIELD));
        ObjectNode oddArn = (ObjectNode) Json.mapper().readTree(EventBridgeSamples.read("ecs-task-running.json"));
        ((ObjectNode) oddArn.get("detail")).put("taskArn", "arn:aws:ecs:us-west-2:1:task/C/../../etc");
        assertThatThrownBy(() -> EventBridgeIngest.parseAny(Json.toBytes(oddArn)))
                .isInstanceOfSatisfying(EventBridgeIngest.Malformed.class,
                        e -> assertThat(e.reason).isEqualTo(IngestReason.INVALID_INSTANCE_ID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"i-ABCDEF0123", "i-0123.evil.com", "../../etc", "i-0123456", "i-0123456789abcdef01",
            "i-01234567\u0000", "I-0123456789", "i-０１２３４５６７"})
    void instanceIdOutsideTheGrammarIsRejected(String id) throws Exception {
        ObjectNode event = (ObjectNode) Json.mapper().readTree(EventBridgeSamples.read("ec2-running.json"));
        ((ObjectNode) event.get("detail")).put("instance-id", id);
        byte[] body = Json.toBytes(event);
        assertThatThrownBy(() -> EventBridgeIngest.parse(body))
                .isInstanceOfSatisfying(EventBridgeIngest.Malformed.class,
                        e -> assertThat(e.reason).isEqualTo(IngestReason.INVALID_INSTANCE_ID));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "{", "[]", "null", "{\"source\":\"aws.ec2\"}", "\"text\""})
    void malformedBodiesAreRejectedWithAReason(String body) {
        assertThatThrownBy(() -> EventBridgeIngest.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(EventBridgeIngest.Malformed.class);
    }

    @Test
    void deepNestingIsRefusedByTheParserNotTheStack() {
        String deep = "[".repeat(100_000) + "]".repeat(100_000);
        assertThatThrownBy(() -> EventBridgeIngest.parse(deep.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(EventBridgeIngest.Malformed.class,
                        e -> assertThat(e.reason).isEqualTo(IngestReason.MALFORMED_JSON));
    }

    @Test
    void unknownStateIsRejected() {
        String body = new String(EventBridgeSamples.read("ec2-running.json"), StandardCharsets.UTF_8)
                .replace("\"running\"", "\"exploded\"");
        assertThatThrownBy(() -> EventBridgeIngest.parse(body.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(EventBridgeIngest.Malformed.class,
                        e -> assertThat(e.reason).isEqualTo(IngestReason.UNKNOWN_STATE));
    }
}
