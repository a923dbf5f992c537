package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.app.config.SecretsManagerToken;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SecretsManagerTokenTest {

    private String stored = "{\"token\":\"first\"}";
    private final AtomicInteger reads = new AtomicInteger();
    private Instant now = Instant.parse("2026-11-23T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };

    private SecretsManagerToken token() throws SecretsManagerToken.Unreadable {
        return new SecretsManagerToken((id, region, endpoint) -> {
            reads.incrementAndGet();
            return stored;
        }, "elephant/cloudflare", "token", "us-east-1", null, clock);
    }

    @Test
    void aRotatedSecretIsPickedUpOnTheFirstRefusal() throws Exception {
        SecretsManagerToken token = token();
        stored = "{\"token\":\"second\"}";

        assertThat(token.reread()).isTrue();
        assertThat(token.current().reveal()).isEqualTo("second");
    }

    @Test
    void rereadsAfterTheFirstAreSpacedSoAWrongTokenDoesNotHammerSecretsManager() throws Exception {
        SecretsManagerToken token = token();
        assertThat(token.reread()).as("same token: nothing new").isFalse();
        stored = "{\"token\":\"second\"}";

        assertThat(token.reread()).as("too soon after the last read").isFalse();
        assertThat(reads).hasValue(2);

        now = now.plus(Duration.ofSeconds(31));
        assertThat(token.reread()).isTrue();
        assertThat(reads).hasValue(3);
    }

    @Test
    void aSecretWithoutTheFieldIsUnreadableAndTheMessageNeverShowsTheValue() {
        stored = "{\"other\":\"s3cr3t-value\"}";
        assertThatThrownBy(this::token)
                .isInstanceOf(SecretsManagerToken.Unreadable.class)
                .hasMessageContaining("elephant/cloudflare")
                .hasMessageNotContaining("s3cr3t-value");
    }

    @Test
    void aSecretStoreThatCannotBeReadIsUnreadable() {
        assertThatThrownBy(() -> new SecretsManagerToken((id, region, endpoint) -> {
            throw new IOException("AccessDeniedException: not allowed");
        }, "elephant/cloudflare", null, "us-east-1", null, clock))
                .hasMessageContaining("AccessDeniedException");
    }
}
