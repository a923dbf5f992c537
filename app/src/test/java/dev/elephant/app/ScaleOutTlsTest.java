package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.config.SecretsManagerReader;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.events.Json;
import dev.elephant.events.PemTls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ec2.Ec2Client;

/**
 * Two instances serving TLS with a certificate that names only the public host, as a production certificate
 * does, while they reach each other at the addresses they advertise (here 127.0.0.1): forwarded queries must
 * still be answered, because a peer is recognised by presenting Elephant's own certificate, not by a host name
 * the certificate cannot hold.
 */
class ScaleOutTlsTest {

    private static final String TOKEN = "cf-scale-tls";
    private static final String KEY = "k-scale-tls";
    private static final Map<String, String> ENV = Map.of("ELEPHANT_INGEST_KEY", KEY,
            "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN);
    private static final Path CERT = Path.of("src/test/resources/tls/public-name-cert.pem").toAbsolutePath();
    private static final Path TLS_KEY = Path.of("src/test/resources/tls/public-name-key.pem").toAbsolutePath();

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
    void twoInstancesWithTlsAnswerEveryKeyOnBoth() throws Exception {
        run = new RunFixture("scale-tls", TOKEN, KEY);
        String tls = "  tlsCert: " + CERT + "\n  tlsKey: " + TLS_KEY + "\n";
        Path configA = run.config(Files.createDirectories(dir.resolve("a")), "");
        Files.writeString(configA, Files.readString(configA).replace("ops:\n  host: 127.0.0.1\n",
                "ops:\n  host: 127.0.0.1\n" + tls));
        RunFixture.Peer peer = run.peer(configA);
        int opsPortB = peer.opsPort();
        run.elephant = Elephant.start(RunConfig.load(configA, ENV, new SecretsManagerReader()));
        run.second = Elephant.start(RunConfig.load(peer.config(), ENV, new SecretsManagerReader()));

        List<String> ids;
        try (Ec2Client ec2 = Ec2Launcher.client(run.aws)) {
            ids = Ec2Launcher.launchCoveringPartitions(ec2, 8, 3, "Project", "Elephant");
        }
        // The test's own client trusts the certificate and, like a peer, does not ask it to name 127.0.0.1.
        OkHttpClient client = new OkHttpClient.Builder()
                .sslSocketFactory(PemTls.trusting(CERT).getSocketFactory(), PemTls.trustManager(CERT))
                .hostnameVerifier((host, session) -> true)
                .build();
        Map<Integer, AtomicInteger> forwardedBy = Map.of(run.opsPort, new AtomicInteger(),
                opsPortB, new AtomicInteger());
        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            forwardedBy.values().forEach(n -> n.set(0));
            for (int port : List.of(run.opsPort, opsPortB)) {
                for (String id : ids) {
                    try (Response r = client.newCall(new Request.Builder()
                            .url("https://127.0.0.1:" + port + "/v1/instances/" + id).build()).execute()) {
                        String body = r.body().string();
                        assertThat(r.code()).as(port + " " + id + ": " + body).isEqualTo(200);
                        JsonNode n = Json.mapper().readTree(body);
                        assertThat(n.path("instanceId").asText()).isEqualTo(id);
                        assertThat(n.path("record").path("status").asText()).isEqualTo("confirmed");
                        if (r.header("X-Elephant-Answered-By") != null) {
                            forwardedBy.get(port).incrementAndGet();
                        }
                    }
                }
            }
            assertThat(forwardedBy.get(run.opsPort)).as("queries A forwarded to B over TLS").hasPositiveValue();
            assertThat(forwardedBy.get(opsPortB)).as("queries B forwarded to A over TLS").hasPositiveValue();
        });
    }
}
