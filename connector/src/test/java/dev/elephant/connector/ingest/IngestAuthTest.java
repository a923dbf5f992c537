package dev.elephant.connector.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.Headers;
import dev.elephant.events.Secret;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class IngestAuthTest {

    private final IngestAuth auth = IngestAuth.apiKey("X-Elephant-Key", Secret.of("k-1"))
            .orBasic("eventbridge", Secret.of("p:w"));

    private static Headers with(String name, String value) {
        Headers h = new Headers();
        h.add(name, value);
        return h;
    }

    private static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes());
    }

    @Test
    void apiKeyOrBasicCredentialsAreAccepted() {
        assertThat(auth.accepts(with("X-Elephant-Key", "k-1"))).isTrue();
        assertThat(auth.accepts(with("Authorization", basic("eventbridge:p:w")))).as("password may hold ':'").isTrue();
    }

    @Test
    void anythingElseIsRefused() {
        assertThat(auth.accepts(new Headers())).isFalse();
        assertThat(auth.accepts(with("X-Elephant-Key", "k-2"))).isFalse();
        assertThat(auth.accepts(with("X-Elephant-Key", ""))).isFalse();
        assertThat(auth.accepts(with("Authorization", basic("eventbridge:p")))).isFalse();
        assertThat(auth.accepts(with("Authorization", basic("other:p:w")))).isFalse();
        assertThat(auth.accepts(with("Authorization", "Basic !!!not-base64"))).isFalse();
        assertThat(auth.accepts(with("Authorization", basic("no-colon")))).isFalse();
        assertThat(auth.accepts(with("Authorization", "Bearer k-1"))).isFalse();
    }

    @Test
    void withoutBasicConfiguredBasicIsRefused() {
        IngestAuth keyOnly = IngestAuth.apiKey("X-Elephant-Key", Secret.of("k-1"));
        assertThat(keyOnly.accepts(with("Authorization", basic("eventbridge:p:w")))).isFalse();
    }
}
