package dev.elephant.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import dev.elephant.topology.common.TopologyConfig;
import dev.elephant.topology.meetings.InstanceSlot;
import dev.elephant.topology.meetings.MeetingState;
import dev.elephant.topology.meetings.SeatLaunch;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** A meeting as {@code GET /v1/meetings/{id}} and the {@code GET /v1/meetings} listing show it. */
final class MeetingView {

    private MeetingView() {}

    static ObjectNode of(MeetingState m, TopologyConfig config) {
        ObjectNode body = Json.mapper().createObjectNode()
                .put("meetingId", m.meetingId())
                .put("status", m.status().wireName());
        ArrayNode roles = body.putArray("roles");
        m.roles().forEach(roles::add);
        if (m.startsAt() != null) {
            body.put("startsAt", m.startsAt().toString()).put("endsAt", m.endsAt().toString());
        }
        if (m.scheduledTime() != null) {
            body.put("scheduledAt", m.scheduledTime().toString());
        }
        if (m.readyAt() != null) {
            // Both in event time: when the meeting service scheduled it, when its last seat's record was confirmed.
            body.put("readyAt", m.readyAt().toString());
            if (m.scheduledTime() != null && !m.readyAt().isBefore(m.scheduledTime())) {
                body.put("scheduledToReadySeconds",
                        java.time.Duration.between(m.scheduledTime(), m.readyAt()).toMillis() / 1000.0);
            }
        }
        Map<String, String> links = m.readyLinks();
        body.set("links", Json.mapper().valueToTree(links == null ? Map.of() : links));
        ObjectNode instances = body.putObject("instances");
        for (InstanceSlot slot : new TreeMap<>(m.instances()).values()) {
            String role = slot.role() == null ? "" : slot.role();
            ArrayNode list = instances.has(role) ? (ArrayNode) instances.get(role) : instances.putArray(role);
            list.addObject()
                    .put("instanceId", slot.instanceId())
                    .put("state", slot.state())
                    .put("record", slot.recordName())
                    .put("recordStatus", slot.recordStatus().name().toLowerCase(Locale.ROOT));
        }
        if (m.launch() != null) {
            // What Elephant did to launch each seat: its status, and why a failed or refused attempt did not launch.
            ObjectNode seats = body.putObject("seats");
            for (String role : m.roles()) {
                SeatLaunch seat = m.seats().get(role);
                ObjectNode out = seats.putObject(role);
                if (seat == null) {
                    out.put("launch", "due").put("at", m.startsAt() == null ? null
                            : m.startsAt().minus(config.machines().lead()).toString());
                    continue;
                }
                out.put("launch", seat.status().name().toLowerCase(Locale.ROOT))
                        .put("attempt", seat.attempt())
                        .put("at", seat.time().toString());
                seat.instanceIds().forEach(out.putArray("instanceIds")::add);
                if (seat.error() != null) {
                    out.put("error", seat.error()).put("detail", seat.detail()).put("retrying", seat.retryable());
                }
            }
        }
        return body;
    }
}
