package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.elephant.app.dev.DevStack;
import dev.elephant.connector.ec2.ProjectFilter;
import dev.elephant.events.PemTls;
import dev.elephant.events.Secret;
import dev.elephant.topology.common.TopologyConfig;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Elephant serves HTTPS from PEM files, as an API destination requires; EventBridge deliveries arrive over it. */
class TlsTest {

    @TempDir
    Path dataDir;
    private DevStack stack;

    @AfterEach
    void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Path resource(String name) throws URISyntaxException {
        return Path.of(TlsTest.class.getResource("/tls/" + name).toURI());
    }

    @Test
    void ingestOverHttpsWorksAndPlainHttpIsRefused() throws Exception {
        String prefix = "tls-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        stack = DevStack.start(new DevStack.Options(dataDir, SharedKafka.bootstrapServers(), "127.0.0.1", 0, 0, 0, 0, 0,
                0, "elephant.test", "X-Elephant-Key", Secret.of("k-tls"), null, null, ProjectFilter.defaults(),
                TopologyConfig.DEFAULT_LINK_TEMPLATE, "test", prefix, prefix + "app", 3, Duration.ofMillis(300),
                Duration.ofMinutes(10), Duration.ofMinutes(5), resource("tls-cert.pem"), resource("tls-key.pem")));
        assertThat(stack.apiUrl().getScheme()).isEqualTo("https");

        String id = Ec2Launcher.launch(stack.aws(), "Project", "Elephant");
        await().atMost(Duration.ofSeconds(60)).until(() -> stack.cloudflare().records().stream()
                .anyMatch(r -> r.name().equals(id + ".elephant.test")));

        HttpClient trusting = HttpClient.newBuilder().sslContext(PemTls.trusting(resource("tls-cert.pem"))).build();
        HttpResponse<String> unauthorized = trusting.send(HttpRequest.newBuilder(
                stack.apiUrl().resolve("/v1/eventbridge")).POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(unauthorized.statusCode()).isEqualTo(401);

        URI plain = URI.create("http://127.0.0.1:" + stack.apiUrl().getPort() + "/healthz");
        assertThatThrownBy(() -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(3)).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
    }

    @Test
    void aKeyInTheWrongFormatIsAClearError() throws Exception {
        Path pkcs1 = dataDir.resolve("rsa.pem");
        java.nio.file.Files.writeString(pkcs1, "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n");
        assertThatThrownBy(() -> PemTls.server(resource("tls-cert.pem"), pkcs1))
                .isInstanceOf(IOException.class).hasMessageContaining("openssl pkcs8");
    }
}
