package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.dev.DevStack;
import dev.elephant.app.runtime.TopologyLag;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.DesiredRecord;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import dev.elephant.events.Secret;
import dev.elephant.events.Topics;
import dev.elephant.standins.cloudflare.DnsRecord;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * At start the DNS sink compares the zone with the desired state: it settles intents a crash left
 * without an outcome and repairs drift (records deleted, changed or leaked behind Elephant's back).
 */
class DnsRecoveryTest {

    private static final String MARK = "managed-by=elephant owner=test";
    private static final Duration WITHIN = Duration.ofSeconds(60);

    @TempDir
    Path dataDir;
    private final String prefix = "rec-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    private final Topics topics = new Topics(prefix);
    private DevStack stack;

    private DevStack start() throws IOException {
        return start(Duration.ofMinutes(10));
    }

    private DevStack start(Duration reconcileInterval) throws IOException {
        return DevStack.start(new DevStack.Options(dataDir, SharedKafka.bootstrapServers(), "127.0.0.1", 0, 0, 0, 0, 0,
                0, "elephant.test", "X-Elephant-Key", Secret.of("k-recovery"), null, null, ProjectFilter.defaults(),
                TopologyConfig.DEFAULT_LINK_TEMPLATE, "test", prefix, prefix + "app", 3, Duration.ofMillis(300),
                reconcileInterval, Duration.ofMinutes(5), null, null));
    }

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private String launch() {
        return Ec2Launcher.launch(stack.aws(), "Project", "Elephant");
    }

    private Map<String, String> zone() {
        return stack.cloudflare().records().stream()
                .collect(Collectors.toMap(DnsRecord::name, DnsRecord::content, (a, b) -> a + "," + b));
    }

    private DnsRecord record(String name) {
        return stack.cloudflare().records().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    private void writeIntent(String name, String content, String mutationId) {
        DnsMutation intent = new DnsMutation(DnsMutation.SCHEMA_VERSION, mutationId, DnsMutation.Phase.INTENT,
                DnsMutation.Action.CREATE, name, "A", content, null, null, name.substring(0, name.indexOf('.')),
                "evt-before-crash", "test", null, Instant.now());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", stack.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topics.dnsMutations(), name, Json.toString(intent)));
        }
    }

    private List<DnsMutation> audit() {
        return TopicReader.readAll(stack.bootstrapServers(), topics.dnsMutations()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), DnsMutation.class)).toList();
    }

    @Test
    void startSettlesOpenIntentsAndRepairsDeletedChangedAndLeakedRecords() throws Exception {
        stack = start();
        String a = launch();
        String b = launch();
        String nameA = a + ".elephant.test";
        String nameB = b + ".elephant.test";
        await().atMost(WITHIN).until(() -> zone().containsKey(nameA) && zone().containsKey(nameB));
        Map<String, String> desired = zone();

        // Behind Elephant's back: A deleted by hand, B changed by hand, a record of ours leaked.
        stack.cloudflare().deleteRecord(record(nameA).id());
        stack.cloudflare().changeContent(record(nameB).id(), "192.0.2.99");
        String leaked = "i-00000000000000001.elephant.test";
        stack.cloudflare().createForeignRecord(leaked, "A", "192.0.2.1", MARK);
        // A crash between a provider call and its outcome: one create happened, one did not.
        String happened = "i-00000000000000002.elephant.test";
        stack.cloudflare().createForeignRecord(happened, "A", "192.0.2.2", MARK);
        writeIntent(happened, "192.0.2.2", "crash-1");
        writeIntent("i-00000000000000003.elephant.test", "192.0.2.3", "crash-2");
        // A record that is not Elephant's stays as it is, whatever happens.
        stack.cloudflare().createForeignRecord("www.elephant.test", "A", "192.0.2.80", "made by hand");

        stack.close();
        stack = start();

        await().atMost(WITHIN).until(() -> zone().equals(withForeign(desired)));
        List<DnsMutation> audit = audit();
        assertThat(audit).anySatisfy(m -> {
            assertThat(m.mutationId()).isEqualTo("crash-1");
            assertThat(m.phase()).isEqualTo(DnsMutation.Phase.APPLIED);
        });
        assertThat(audit).anySatisfy(m -> {
            assertThat(m.mutationId()).isEqualTo("crash-2");
            assertThat(m.phase()).isEqualTo(DnsMutation.Phase.FAILED);
        });
        assertThat(audit.stream().filter(m -> m.phase() == DnsMutation.Phase.DRIFT_REPAIRED).map(DnsMutation::name))
                .contains(nameA, nameB, leaked, happened);
        assertThat(record("www.elephant.test").content()).isEqualTo("192.0.2.80");
    }

    /**
     * An intent whose outcome never reached the topic while Elephant kept running (its process did not
     * crash, so no start settles it) gets its outcome from the next reconciliation, by a look at the
     * provider, and only once.
     */
    @Test
    void theReconciliationSettlesAnIntentLeftWithoutAnOutcomeWhileRunning() throws Exception {
        stack = start(Duration.ofSeconds(2));
        String a = launch();
        String nameA = a + ".elephant.test";
        await().atMost(WITHIN).until(() -> zone().containsKey(nameA));

        String happened = "i-00000000000000004.elephant.test";
        stack.cloudflare().createForeignRecord(happened, "A", "192.0.2.4", MARK);
        writeIntent(happened, "192.0.2.4", "lost-1");
        writeIntent("i-00000000000000005.elephant.test", "192.0.2.5", "lost-2");

        await().atMost(WITHIN).until(() -> audit().stream().filter(m -> m.mutationId().startsWith("lost-")).count() == 4);
        Thread.sleep(5_000); // two more reconciliations: nothing is settled twice
        List<DnsMutation> lost = audit().stream().filter(m -> m.mutationId().startsWith("lost-")).toList();
        assertThat(lost).hasSize(4);
        assertThat(lost).anySatisfy(m -> {
            assertThat(m.mutationId()).isEqualTo("lost-1");
            assertThat(m.phase()).isEqualTo(DnsMutation.Phase.APPLIED);
            assertThat(m.error()).startsWith("settled by the reconciliation");
        });
        assertThat(lost).anySatisfy(m -> {
            assertThat(m.mutationId()).isEqualTo("lost-2");
            assertThat(m.phase()).isEqualTo(DnsMutation.Phase.FAILED);
        });
    }

    /**
     * The start's reconciliation reads {@code dns-desired} to its end, so the sink goes on from there: the changes
     * made while it was stopped are applied once, as each name's latest value, and are not read a second time by the
     * sink's own consumer (a replay's whole log, otherwise).
     */
    @Test
    void aStartDoesNotReadAgainWhatItsReconciliationRead() throws Exception {
        stack = start();
        String a = launch();
        await().atMost(WITHIN).until(() -> zone().containsKey(a + ".elephant.test"));
        stack.close();

        String moved = "i-00000000000000011.elephant.test";
        String created = "i-00000000000000012.elephant.test";
        int changes = 50;
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", SharedKafka.bootstrapServers()), new StringSerializer(),
                new StringSerializer())) {
            for (int i = 1; i <= changes; i++) {
                producer.send(new ProducerRecord<>(topics.dnsDesired(), moved, Json.toString(new DesiredRecord(
                        DesiredRecord.SCHEMA_VERSION, moved, "A", "192.0.2." + i, 60, "i-00000000000000011", "evt-" + i))));
            }
            producer.send(new ProducerRecord<>(topics.dnsDesired(), created, Json.toString(new DesiredRecord(
                    DesiredRecord.SCHEMA_VERSION, created, "A", "192.0.2.100", 60, "i-00000000000000012", "evt-c"))));
        }
        stack = start();

        await().atMost(WITHIN).until(() -> "192.0.2.50".equals(zone().get(moved)) && zone().containsKey(created));
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            await().atMost(WITHIN).until(() -> TopologyLag.isCaughtUp(admin, prefix + "app-dns-sink",
                    List.of(topics.dnsDesired())));
        }
        assertThat(recordsReadBySink())
                .as("what arrived after the start may be read; the %d changes the reconciliation read are not", changes)
                .isLessThan(changes);
        assertThat(audit()).filteredOn(m -> moved.equals(m.name()) && m.content() != null)
                .extracting(DnsMutation::content).containsOnly("192.0.2.50");
    }

    /** Records the sink's own consumer (it reads dns-desired only) has read since it started, from its client metrics. */
    private double recordsReadBySink() throws Exception {
        String metrics = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                stack.opsUrl().resolve("/metrics")).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return metrics.lines()
                .filter(l -> l.startsWith("kafka_consumer_fetch_manager_records_consumed_total{")
                        && l.contains("client_id=\"elephant-dns-sink\"") && !l.contains("topic="))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void inventorySweepRepairsStateChangesEc2NeverDelivered() throws Exception {
        stack = start();
        stack.aws().loseEvents("running", 1);
        String id = launch();
        String name = id + ".elephant.test";
        await().atMost(WITHIN).until(() -> stack.aws().instances().stream()
                .anyMatch(i -> i.instanceId().equals(id) && i.state().wireName().equals("running")));
        Thread.sleep(1000); // the pending event is in; the running one never comes
        assertThat(zone()).doesNotContainKey(name);
        await().atMost(WITHIN).until(stack.elephant()::isReady); // the sweep compares EC2 with the table

        assertThat(stack.elephant().sweepNow()).isEqualTo(1);
        await().atMost(WITHIN).until(() -> zone().containsKey(name));

        stack.aws().loseEvents("shutting-down", 1);
        stack.aws().loseEvents("terminated", 1);
        try (Ec2Client ec2 = Ec2Launcher.client(stack.aws())) {
            ec2.terminateInstances(t -> t.instanceIds(id));
        }
        await().atMost(WITHIN).until(() -> stack.aws().instances().stream()
                .anyMatch(i -> i.instanceId().equals(id) && i.state().wireName().equals("terminated")));
        assertThat(stack.elephant().sweepNow()).isEqualTo(1);
        await().atMost(WITHIN).until(() -> !zone().containsKey(name));
        assertThat(stack.elephant().sweepNow()).as("nothing left to repair").isZero();

        List<InstanceEvent> events = TopicReader.readAll(stack.bootstrapServers(), topics.instanceEvents()).stream()
                .map(r -> Json.fromBytes(r.value().getBytes(), InstanceEvent.class)).toList();
        assertThat(events).filteredOn(InstanceEvent::sweep).extracting(InstanceEvent::state)
                .containsExactly("running", "terminated");
    }

    private static Map<String, String> withForeign(Map<String, String> desired) {
        Map<String, String> zone = new java.util.HashMap<>(desired);
        zone.put("www.elephant.test", "192.0.2.80");
        return zone;
    }
}
