package dev.elephant.topology.meetings;

import dev.elephant.events.MeetingEvent;
import dev.elephant.events.MeetingReady;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/** How a meeting's state moves, and what it publishes: pure, so a replay publishes the same. */
public final class MeetingRules {

    /** The state after one input, and what to publish on {@code meeting-ready} because of it. */
    public record Step(MeetingState state, Publication publication) {}

    /** A value for meeting-ready, or a tombstone ({@code ready == null}). */
    public record Publication(MeetingReady ready) {}

    public Step apply(String meetingId, MeetingState current, MeetingInput input) {
        MeetingState base = current != null ? current
                : new MeetingState(MeetingState.SCHEMA_VERSION, meetingId, MeetingStatus.UNSCHEDULED, null, null,
                        null, Map.of(), null, null, null);
        MeetingState next = input.meeting() != null ? onMeeting(base, input.meeting()) : onInstance(base, input.instance());
        return publish(next);
    }

    /**
     * Ended and cancelled are final: nothing reopens the meeting. A "scheduled" event sets roles and
     * times unless a newer one already did (a meeting may be rescheduled; delivery order is not event
     * order); arriving after the end, it still fills in what the meeting was, without reopening it.
     */
    private static MeetingState onMeeting(MeetingState s, MeetingEvent event) {
        boolean over = s.lifecycle() == MeetingStatus.ENDED || s.lifecycle() == MeetingStatus.CANCELLED;
        if (event instanceof MeetingEvent.Scheduled e) {
            if (s.scheduledTime() != null && !e.time().isAfter(s.scheduledTime())) {
                return s;
            }
            return over ? s.withSchedule(s.lifecycle(), e).withLifecycle(s.lifecycle(), s.causeId())
                    : s.withSchedule(MeetingStatus.SCHEDULED, e);
        }
        if (over) {
            return s;
        }
        MeetingStatus end = event instanceof MeetingEvent.Ended ? MeetingStatus.ENDED : MeetingStatus.CANCELLED;
        return s.withLifecycle(end, event.eventId());
    }

    private static MeetingState onInstance(MeetingState s, InstanceSlot slot) {
        Map<String, InstanceSlot> instances = new HashMap<>(s.instances());
        if (slot.ended()) {
            instances.remove(slot.instanceId());
        } else {
            instances.put(slot.instanceId(), slot);
        }
        return s.withInstances(instances);
    }

    private static Step publish(MeetingState s) {
        boolean over = s.lifecycle() == MeetingStatus.ENDED || s.lifecycle() == MeetingStatus.CANCELLED;
        if (over) {
            if (s.publishedLinks() == null) {
                return new Step(s, null);
            }
            return new Step(s.withPublished(null), new Publication(null));
        }
        Map<String, String> links = s.readyLinks();
        if (links == null || links.equals(s.publishedLinks())) {
            return new Step(s, null);
        }
        Map<String, String> instances = new TreeMap<>();
        String causeId = s.causeId();
        for (String role : s.roles()) {
            InstanceSlot chosen = Objects.requireNonNull(s.chosenFor(role));
            instances.put(role, chosen.instanceId());
            causeId = chosen.causeId();
        }
        MeetingReady ready = new MeetingReady(MeetingReady.SCHEMA_VERSION, s.meetingId(), links, instances, causeId);
        return new Step(s.withPublished(links), new Publication(ready));
    }
}
