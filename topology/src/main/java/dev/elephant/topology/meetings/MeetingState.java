package dev.elephant.topology.meetings;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.elephant.events.LaunchSpec;
import dev.elephant.events.MeetingEvent;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A row of the {@code meeting-state} table.
 *
 * @param lifecycle      what the meeting service said last: UNSCHEDULED, SCHEDULED, ENDED or CANCELLED
 * @param instances      the meeting's instances by instance id
 * @param publishedLinks the links last published on {@code meeting-ready}, null when nothing is published
 * @param scheduledTime  event time of the "scheduled" event that set roles and times: an older one arriving
 *                       late changes nothing
 * @param launch         what Elephant launches for the roles, null when someone else launches them
 * @param seats          what Elephant did to launch each role, by role
 * @param terminations   instances whose termination Elephant asked for, with when it last asked
 * @param overAt         event time of the ended or cancelled event
 * @param readyAt        event time of the input that made the meeting ready as last published (the confirming
 *                       outcome's), null while it is not; what the operations page measures scheduled-to-ready by
 */
public record MeetingState(
        int schemaVersion,
        String meetingId,
        MeetingStatus lifecycle,
        List<String> roles,
        Instant startsAt,
        Instant endsAt,
        Map<String, InstanceSlot> instances,
        Map<String, String> publishedLinks,
        String causeId,
        Instant scheduledTime,
        LaunchSpec launch,
        Map<String, SeatLaunch> seats,
        Map<String, Instant> terminations,
        Instant overAt,
        Instant readyAt) {

    public static final int SCHEMA_VERSION = 1;

    public MeetingState {
        roles = roles == null ? List.of() : List.copyOf(roles);
        instances = instances == null ? Map.of() : Map.copyOf(instances);
        publishedLinks = publishedLinks == null ? null : Map.copyOf(publishedLinks);
        seats = seats == null ? Map.of() : Map.copyOf(seats);
        terminations = terminations == null ? Map.of() : Map.copyOf(terminations);
    }

    static MeetingState unscheduled(String meetingId) {
        return new MeetingState(SCHEMA_VERSION, meetingId, MeetingStatus.UNSCHEDULED, null, null, null, Map.of(), null,
                null, null, null, null, null, null, null);
    }

    MeetingState withSchedule(MeetingStatus lifecycle, MeetingEvent.Scheduled e) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, e.roles(), e.startsAt(), e.endsAt(), instances,
                publishedLinks, e.eventId(), e.time(), e.launch(), seats, terminations, overAt, readyAt);
    }

    MeetingState withLifecycle(MeetingStatus lifecycle, String causeId) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, roles, startsAt, endsAt, instances,
                publishedLinks, causeId, scheduledTime, launch, seats, terminations, overAt, readyAt);
    }

    MeetingState over(MeetingStatus lifecycle, String causeId, Instant at) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, roles, startsAt, endsAt, instances,
                publishedLinks, causeId, scheduledTime, launch, seats, terminations, at, readyAt);
    }

    MeetingState withInstances(Map<String, InstanceSlot> instances) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, roles, startsAt, endsAt, instances,
                publishedLinks, causeId, scheduledTime, launch, seats, terminations, overAt, readyAt);
    }

    MeetingState withReadyAt(Instant at) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, roles, startsAt, endsAt, instances,
                publishedLinks, causeId, scheduledTime, launch, seats, terminations, overAt, at);
    }

    MeetingState withPublished(Map<String, String> links) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, roles, startsAt, endsAt, instances, links,
                causeId, scheduledTime, launch, seats, terminations, overAt, readyAt);
    }

    MeetingState withSeats(Map<String, SeatLaunch> seats) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, roles, startsAt, endsAt, instances,
                publishedLinks, causeId, scheduledTime, launch, seats, terminations, overAt, readyAt);
    }

    MeetingState withTerminations(Map<String, Instant> terminations) {
        return new MeetingState(schemaVersion, meetingId, lifecycle, roles, startsAt, endsAt, instances,
                publishedLinks, causeId, scheduledTime, launch, seats, terminations, overAt, readyAt);
    }

    @JsonIgnore
    public boolean isOver() {
        return lifecycle == MeetingStatus.ENDED || lifecycle == MeetingStatus.CANCELLED;
    }

    /** The status derived from the lifecycle and the instances. */
    public MeetingStatus status() {
        if (lifecycle != MeetingStatus.SCHEDULED) {
            return lifecycle;
        }
        if (readyLinks() != null) {
            return MeetingStatus.READY;
        }
        return instances.isEmpty() ? MeetingStatus.SCHEDULED : MeetingStatus.LAUNCHING;
    }

    /**
     * The link per role when every role has a ready instance, else null. A role keeps the instance
     * already published while it stays ready, so a second instance for the role does not flip the link.
     */
    public Map<String, String> readyLinks() {
        if (lifecycle != MeetingStatus.SCHEDULED || roles.isEmpty()) {
            return null;
        }
        Map<String, String> links = new TreeMap<>();
        for (String role : roles) {
            InstanceSlot chosen = chosenFor(role);
            if (chosen == null) {
                return null;
            }
            links.put(role, chosen.link());
        }
        return links;
    }

    /** The instance serving a role, or null when no instance of the role is ready. */
    public InstanceSlot chosenFor(String role) {
        String published = publishedLinks == null ? null : publishedLinks.get(role);
        InstanceSlot first = null;
        for (InstanceSlot slot : new TreeMap<>(instances).values()) {
            if (!role.equals(slot.role()) || !slot.isReady()) {
                continue;
            }
            if (Objects.equals(slot.link(), published)) {
                return slot;
            }
            if (first == null) {
                first = slot;
            }
        }
        return first;
    }
}
