package dev.elephant.topology.common;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;

/**
 * The ids that make Elephant's EC2 decisions idempotent: the same decision always gets the same id, so EC2 (by
 * {@code ClientToken}) and the executor (by command id) carry it out once, however often it is made.
 */
public final class ClientTokens {

    private ClientTokens() {}

    /**
     * RunInstances' {@code ClientToken} for one attempt at one seat: at most 64 ASCII characters, as EC2 requires
     * ("Ensuring idempotency", EC2 API reference). A digest, so that any meeting id and role fit.
     */
    public static String forSeat(String meetingId, String role, int attempt) {
        return "elephant-" + digest(meetingId + "\n" + role + "\n" + attempt).substring(0, 40);
    }

    /** The id of a termination asked for at a time; asked again later, it is another command. */
    public static String forTermination(String key, String reason, Instant at) {
        return "terminate-" + digest(key + "\n" + reason + "\n" + at.toEpochMilli()).substring(0, 40);
    }

    private static String digest(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
