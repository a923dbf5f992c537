package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.InstanceEvent;
import dev.elephant.events.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Several Elephant instances each run the inventory sweep, but only the owner of an instance's partition of
 * the table repairs it, by comparing EC2 with the table: a lost event is repaired once, and an instance the
 * table already matches costs no event, whichever instance received its events.
 */
class SweepOwnershipTest {

    private static final String TOKEN = "cf-sweep-owner";
    private static final String KEY = "k-sweep-owner";
    private static final Map<String, String> ENV = Map.of("ELEPHANT_INGEST_KEY", KEY,
            "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN);

    @TempDir
    Path dir;
    private RunFixture run;

    @AfterEach
    void stop() {
        if (run != null) {
            run.close();
        }
    }

    @Test
    void aLostEventIsRepairedOnceWhicheverInstancesSweep() throws Exception {
        run = new RunFixture("sweep-owner", TOKEN, KEY); // EC2 events reach the first instance only
        Path configA = run.config(Files.createDirectories(dir.resolve("a")), "");
        run.elephant = Elephant.start(RunConfig.load(configA, ENV, new SecretsManagerReader()));
        run.second = Elephant.start(RunConfig.load(run.peer(configA).config(), ENV, new SecretsManagerReader()));

        List<String> ids = new ArrayList<>();
        try (Ec2Client ec2 = Ec2Launcher.client(run.aws)) {
            for (int i = 0; i < 4; i++) {
                ids.add(Ec2Launcher.launch(ec2, "Project", "Elephant"));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().size() == ids.size());
            run.aws.loseEvents("shutting-down", 1);
            run.aws.loseEvents("terminated", 1);
            ec2.terminateInstances(t -> t.instanceIds(ids));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> run.aws.instances().stream()
                .filter(i -> ids.contains(i.instanceId())).allMatch(i -> i.state().wireName().equals("terminated")));
        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().size() == 1); // the lost one

        AtomicInteger written = new AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions().untilAsserted(() -> {
            int first = run.elephant.sweepNow();
            int other = run.second.sweepNow();
            written.addAndGet(first + other);
            assertThat(first + other).isZero(); // until both sweep and nothing is left to repair
        });
        await().atMost(Duration.ofSeconds(60)).until(() -> run.cloudflare.records().isEmpty());

        List<InstanceEvent> sweeps = TopicReader.readAll(SharedKafka.bootstrapServers(), run.prefix + "instance-events")
                .stream().map(r -> Json.fromBytes(r.value().getBytes(), InstanceEvent.class))
                .filter(InstanceEvent::sweep).toList();
        assertThat(sweeps).as("one repair for the one lost termination, by one instance").hasSize(1)
                .allSatisfy(e -> assertThat(e.state()).isEqualTo("terminated"));
        assertThat(written.get()).isEqualTo(1);
    }
}
