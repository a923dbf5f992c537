package dev.elephant.app.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.events.Json;
import dev.elephant.events.Secret;
import dev.elephant.sinks.dns.cloudflare.CloudflareToken;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Cloudflare token kept in Secrets Manager (the secret's string, or one text field of it when it
 * is JSON), read at start and cached; read again when Cloudflare refuses it, since the secret may have
 * been rotated. Re-reads after the first are spaced at least {@link #MIN_REREAD_INTERVAL} apart, so a
 * token that is simply wrong does not turn every provider call into a Secrets Manager call too.
 */
public final class SecretsManagerToken implements CloudflareToken {

    static final Duration MIN_REREAD_INTERVAL = Duration.ofSeconds(30);
    private static final Logger log = LoggerFactory.getLogger(SecretsManagerToken.class);

    private final RunConfig.SecretReader reader;
    private final String secretId;
    private final String field;
    private final String region;
    private final URI endpoint;
    private final Clock clock;
    private Secret current;
    private Instant lastRead = Instant.MIN;

    /** Reads the token once; {@link Unreadable} says why it cannot be used, never what it is. */
    public SecretsManagerToken(RunConfig.SecretReader reader, String secretId, String field, String region,
                               URI endpoint, Clock clock) throws Unreadable {
        this.reader = reader;
        this.secretId = secretId;
        this.field = field;
        this.region = region;
        this.endpoint = endpoint;
        this.clock = clock;
        this.current = read();
        this.lastRead = Instant.MIN; // the first refusal always gets a fresh read
    }

    @Override
    public synchronized Secret current() {
        return current;
    }

    @Override
    public synchronized boolean reread() {
        Instant now = clock.instant();
        if (Duration.between(lastRead, now).compareTo(MIN_REREAD_INTERVAL) < 0) {
            return false;
        }
        try {
            Secret fresh = read();
            boolean changed = !fresh.reveal().equals(current.reveal());
            current = fresh;
            if (changed) {
                log.info("Cloudflare refused the token; read a new one from Secrets Manager ({})", secretId);
            } else {
                log.warn("Cloudflare refused the token and Secrets Manager ({}) still holds the same one", secretId);
            }
            return changed;
        } catch (Unreadable e) {
            log.warn("Cloudflare refused the token and it cannot be read again: {}", e.getMessage());
            return false;
        }
    }

    private Secret read() throws Unreadable {
        lastRead = clock.instant();
        String raw;
        try {
            raw = reader.read(secretId, region, endpoint);
        } catch (IOException e) {
            throw new Unreadable("cloudflare.tokenSecret: cannot read " + secretId + " from Secrets Manager: "
                    + e.getMessage());
        }
        if (field != null && raw != null) {
            try {
                JsonNode json = Json.mapper().readTree(raw);
                raw = json != null && json.path(field).isTextual() ? json.path(field).asText() : null;
            } catch (JsonProcessingException e) {
                throw new Unreadable("cloudflare.tokenSecretField: the secret " + secretId + " is not JSON");
            }
            if (raw == null) {
                throw new Unreadable("cloudflare.tokenSecretField: the secret " + secretId
                        + " is not JSON with a text field " + field);
            }
        }
        if (raw == null || raw.isBlank()) {
            throw new Unreadable("cloudflare.tokenSecret: the secret " + secretId + " is empty");
        }
        return Secret.of(raw.trim());
    }

    /** The secret cannot give a token; the message names the secret and the reason only. */
    public static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }
}
