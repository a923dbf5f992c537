package dev.elephant.sinks.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.elephant.events.FailoverName;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A failover target's check against real sockets: what passes, and what each failure says. */
class TargetCheckTest {

    private static final Duration TIMEOUT = Duration.ofMillis(500);
    private final TargetCheck check = new TargetCheck();
    private HttpServer server;
    private final CountDownLatch release = new CountDownLatch(1);

    @BeforeEach
    void serve() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
        server.createContext("/health", ex -> answer(ex, 200, "status: ok"));
        server.createContext("/down", ex -> answer(ex, 503, "down"));
        server.createContext("/moved", ex -> {
            ex.getResponseHeaders().set("Location", "/health");
            answer(ex, 302, "");
        });
        server.createContext("/late-ok", ex -> answer(ex, 200, "x".repeat(FailoverName.BODY_SEARCHED_BYTES) + "ok"));
        server.createContext("/silent", ex -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            answer(ex, 200, "ok");
        });
        server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
    }

    private static void answer(com.sun.net.httpserver.HttpExchange ex, int status, String body) throws java.io.IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    private FailoverName.Check http(String path, String status, String body) {
        return new FailoverName.Check("http", server.getAddress().getPort(), path, status, body);
    }

    @Test
    void aTcpCheckPassesWhenTheConnectionOpensAndSaysRefusedWhenItDoesNot() throws Exception {
        int closedPort;
        try (ServerSocket listening = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            TargetCheck.Outcome up = check.run(new FailoverName.Check("tcp", listening.getLocalPort(), null, null, null),
                    "127.0.0.1", TIMEOUT);
            assertThat(up.ok()).isTrue();
            assertThat(up.detail()).startsWith("connected in ");
            closedPort = listening.getLocalPort();
        }
        TargetCheck.Outcome down = check.run(new FailoverName.Check("tcp", closedPort, null, null, null), "127.0.0.1",
                TIMEOUT);
        assertThat(down.ok()).isFalse();
        assertThat(down.detail()).isEqualTo("connection refused");
    }

    @Test
    void anHttpCheckJudgesTheStatusByItsRange() {
        assertThat(check.run(http("/health", "200-399", null), "127.0.0.1", TIMEOUT).ok()).isTrue();
        TargetCheck.Outcome down = check.run(http("/down", "200-399", null), "127.0.0.1", TIMEOUT);
        assertThat(down.ok()).isFalse();
        assertThat(down.detail()).isEqualTo("HTTP 503 (expected 200-399)");
        assertThat(check.run(http("/moved", "200-399", null), "127.0.0.1", TIMEOUT).ok())
                .as("a redirect is the answer, not followed").isTrue();
        assertThat(check.run(http("/moved", "200", null), "127.0.0.1", TIMEOUT).detail())
                .isEqualTo("HTTP 302 (expected 200)");
    }

    @Test
    void anHttpCheckWithABodyLooksInTheFirst5120Bytes() {
        assertThat(check.run(http("/health", "200-399", "ok"), "127.0.0.1", TIMEOUT).ok()).isTrue();
        TargetCheck.Outcome late = check.run(http("/late-ok", "200-399", "ok"), "127.0.0.1", TIMEOUT);
        assertThat(late.ok()).isFalse();
        assertThat(late.detail()).isEqualTo("HTTP 200, but the first 5120 bytes of the body lack \"ok\"");
        assertThat(check.run(http("/health", "200-399", "ready"), "127.0.0.1", TIMEOUT).ok()).isFalse();
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeFails() {
        TargetCheck.Outcome silent = check.run(http("/silent", "200-399", null), "127.0.0.1", TIMEOUT);
        assertThat(silent.ok()).isFalse();
        assertThat(silent.detail()).isEqualTo("timed out after 500 ms");
        assertThat(silent.latencyMs()).isBetween(400L, 5_000L);
    }
}
