package dev.elephant.connector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.connector.ec2.InstanceFacts;
import dev.elephant.connector.ec2.InstanceLookup;
import dev.elephant.connector.ec2.InstanceSummary;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import dev.elephant.standins.aws.EventBridgeSamples;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * When EC2's request rate keeps an instance's facts away, a change whose state wants no record is written without
 * them (EventBridge hears 202, not 503), and a change to running — whose address is the point — is answered 503.
 */
class ThrottledLookupTest {

    private final List<InstanceEvent> written = new ArrayList<>();
    private final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    private EventBridgeIngest ingest(boolean throttled) {
        InstanceLookup lookup = new InstanceLookup() {
            @Override
            public Optional<InstanceFacts> describe(String instanceId) throws LookupUnavailable {
                throw new LookupUnavailable("EC2's DescribeInstances request rate did not allow a lookup within 3000 ms",
                        null, throttled);
            }

            @Override
            public Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) {
                return Optional.empty();
            }

            @Override
            public List<InstanceSummary> listProject(ProjectFilter project) {
                return List.of();
            }
        };
        EventLog log = (topic, key, value, timeout) -> {
            try {
                written.add(Json.mapper().readValue(value, InstanceEvent.class));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        Topics topics = Topics.withDefaultPrefix();
        return new EventBridgeIngest(lookup, null, ProjectFilter.defaults(), log,
                new DeadLetters(log, topics.deadLetter(), Clock.systemUTC(), Duration.ofSeconds(1)), topics,
                Duration.ofSeconds(1), metrics, Clock.systemUTC());
    }

    private static byte[] event(String state) {
        return EventBridgeSamples.read("ec2-" + state + ".json");
    }

    @Test
    void aThrottledLookupOfAStateThatWantsNoRecordIsWrittenWithoutFactsAndAccepted() {
        EventBridgeIngest ingest = ingest(true);
        for (String state : List.of("pending", "stopping", "stopped", "shutting-down", "terminated")) {
            assertThat(ingest.ingest(event(state)).status()).as(state).isEqualTo(IngestStatus.ACCEPTED);
        }
        assertThat(written).hasSize(5).allSatisfy(e -> {
            assertThat(e.found()).as("no facts: the table keeps the tags it knows").isFalse();
            assertThat(e.publicIp()).isNull();
        });
        assertThat(metrics.find("elephant.ingest.facts.deferred").counters()).hasSize(5);
    }

    @Test
    void aThrottledLookupOfRunningIsAnswered503ForEventBridgeToRetry() {
        IngestResult result = ingest(true).ingest(event("running"));
        assertThat(result.status()).isEqualTo(IngestStatus.UNAVAILABLE);
        assertThat(result.reason()).isEqualTo(IngestReason.AWS_UNAVAILABLE);
        assertThat(written).isEmpty();
    }

    @Test
    void aLookupThatFailedForAnotherReasonIsAnswered503WhateverTheState() {
        assertThat(ingest(false).ingest(event("terminated")).status()).isEqualTo(IngestStatus.UNAVAILABLE);
        assertThat(written).isEmpty();
    }
}
