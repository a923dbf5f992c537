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
                        null, Map.of(), null, null);
        MeetingState next = input.meeting() != null ? onMeeting(base, input.meeting()) : onInstance(base, input.instance());
        return publish(next);
    }

    private static MeetingState onMeeting(MeetingState s, MeetingEvent event) {
        if (s.lifecycle() == MeetingStatus.ENDED || s.lifecycle() == MeetingStatus.CANCELLED) {
            return s; // final: a late "scheduled" does not reopen a meeting
        }
        if (event instanceof MeetingEvent.Scheduled e) {
            return new MeetingState(s.schemaVersion(), s.meetingId(), MeetingStatus.SCHEDULED, e.roles(), e.startsAt(),
                    e.endsAt(), s.instances(), s.publishedLinks(), e.eventId());
        }
        MeetingStatus over = event instanceof MeetingEvent.Ended ? MeetingStatus.ENDED : MeetingStatus.CANCELLED;
        return withLifecycle(s, over, event.eventId());
    }

    private static MeetingState withLifecycle(MeetingState s, MeetingStatus lifecycle, String causeId) {
        return new MeetingState(s.schemaVersion(), s.meetingId(), lifecycle, s.roles(), s.startsAt(), s.endsAt(),
                s.instances(), s.publishedLinks(), causeId);
    }

    private static MeetingState onInstance(MeetingState s, InstanceSlot slot) {
        Map<String, InstanceSlot> instances = new HashMap<>(s.instances());
        if ("terminated".equals(slot.state())) {
            instances.remove(slot.instanceId());
        } else {
            instances.put(slot.instanceId(), slot);
        }
        return new MeetingState(s.schemaVersion(), s.meetingId(), s.lifecycle(), s.roles(), s.startsAt(), s.endsAt(),
                instances, s.publishedLinks(), s.causeId());
    }

    private static Step publish(MeetingState s) {
        boolean over = s.lifecycle() == MeetingStatus.ENDED || s.lifecycle() == MeetingStatus.CANCELLED;
        if (over) {
            if (s.publishedLinks() == null) {
                return new Step(s, null);
            }
            return new Step(withPublished(s, null), new Publication(null));
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
        return new Step(withPublished(s, links), new Publication(ready));
    }

    private static MeetingState withPublished(MeetingState s, Map<String, String> links) {
        return new MeetingState(s.schemaVersion(), s.meetingId(), s.lifecycle(), s.roles(), s.startsAt(), s.endsAt(),
                s.instances(), links, s.causeId());
    }
}
