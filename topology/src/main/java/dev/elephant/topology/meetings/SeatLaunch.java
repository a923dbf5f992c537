package dev.elephant.topology.meetings;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Instant;
import java.util.List;

/**
 * What Elephant did to launch one seat (role) of a meeting, as {@code GET /v1/meetings/{id}} shows it.
 *
 * @param attempt     the current attempt, from 1; its client token is derived from the meeting, role and attempt
 * @param instanceIds the instances the launch gave, once applied
 * @param error       EC2's error code (or Elephant's {@code max-running}) of a failed or refused attempt
 * @param time        when the status was set: the deciding tick's time, or the outcome's
 */
public record SeatLaunch(int attempt, String clientToken, Status status, List<String> instanceIds, String error,
                         String detail, boolean retryable, Instant time) {

    public SeatLaunch {
        instanceIds = instanceIds == null ? List.of() : List.copyOf(instanceIds);
    }

    public enum Status {
        /** Asked of the executor; no outcome yet. */
        @JsonProperty("requested") REQUESTED,
        @JsonProperty("launched") LAUNCHED,
        @JsonProperty("failed") FAILED,
        /** A cost guard said no; nothing was called. */
        @JsonProperty("refused") REFUSED
    }

    static SeatLaunch requested(int attempt, String clientToken, Instant time) {
        return new SeatLaunch(attempt, clientToken, Status.REQUESTED, List.of(), null, null, false, time);
    }
}
