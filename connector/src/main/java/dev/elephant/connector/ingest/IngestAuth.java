package dev.elephant.connector.ingest;

import com.sun.net.httpserver.Headers;
import dev.elephant.events.Secret;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;

/**
 * Who may call the ingest endpoints: the two ways an EventBridge connection authenticates without
 * OAuth. An API key in a configurable header, and optionally HTTP Basic credentials. Every
 * comparison runs in constant time.
 */
public final class IngestAuth {

    private final String keyHeader;
    private final Secret key;
    private final String basicUser;
    private final Secret basicPassword;

    private IngestAuth(String keyHeader, Secret key, String basicUser, Secret basicPassword) {
        this.keyHeader = Objects.requireNonNull(keyHeader, "key header");
        this.key = Objects.requireNonNull(key, "key");
        this.basicUser = basicUser;
        this.basicPassword = basicPassword;
    }

    public static IngestAuth apiKey(String header, Secret key) {
        return new IngestAuth(header, key, null, null);
    }

    /** Also accepts {@code Authorization: Basic …} with these credentials. */
    public IngestAuth orBasic(String user, Secret password) {
        if (user == null || user.isEmpty() || user.contains(":")) {
            throw new IllegalArgumentException("a Basic auth user must be non-empty and without ':'");
        }
        return new IngestAuth(keyHeader, key, user, Objects.requireNonNull(password, "password"));
    }

    public String keyHeader() {
        return keyHeader;
    }

    public boolean accepts(Headers headers) {
        boolean byKey = key.matches(headers.getFirst(keyHeader));
        boolean byBasic = basicUser != null && matchesBasic(headers.getFirst("Authorization"));
        return byKey | byBasic;
    }

    private boolean matchesBasic(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        if (colon < 0) {
            return false;
        }
        boolean user = Secret.of(basicUser).matches(decoded.substring(0, colon));
        boolean password = basicPassword.matches(decoded.substring(colon + 1));
        return user & password;
    }

    /** What a 401 says the caller should send, never the value. */
    String describe() {
        return basicUser == null ? keyHeader : keyHeader + " or HTTP Basic credentials";
    }
}
