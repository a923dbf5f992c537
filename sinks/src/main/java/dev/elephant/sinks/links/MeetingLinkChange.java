package dev.elephant.sinks.links;

import dev.elephant.events.MeetingReady;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * One change of a meeting's links as published beyond Kafka: ready with its links, or ended.
 *
 * @param eventId stable for the meeting and its links ({@code m-1/ready/3f2a…}, {@code m-1/ended}): a
 *                replay or a retry publishes the same id again, so subscribers can drop what they saw
 * @param ready   the links, or null when the meeting ended or was cancelled
 */
public record MeetingLinkChange(String meetingId, String eventId, MeetingReady ready) {

    public static MeetingLinkChange of(String meetingId, MeetingReady ready) {
        if (ready == null) {
            return new MeetingLinkChange(meetingId, meetingId + "/ended", null);
        }
        return new MeetingLinkChange(meetingId, meetingId + "/ready/" + linkVersion(ready.links()), ready);
    }

    public boolean isReady() {
        return ready != null;
    }

    /** A digest of the links, not a counter: the same links always get the same version, replay or not. */
    private static String linkVersion(Map<String, String> links) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (var link : new TreeMap<>(links).entrySet()) {
                sha.update((link.getKey() + "=" + link.getValue() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(sha.digest(), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
