package dev.elephant.sinks.links;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResultEntry;

/**
 * Puts each link change on an EventBridge bus, so AWS consumers (the frontend's Lambdas) react without
 * reading Kafka. Detail type {@code Meeting Ready} or {@code Meeting Ended}; the detail carries the
 * stable {@code eventId} to deduplicate on (EventBridge assigns its own id to every put, repeats
 * included). PutEvents takes at most 10 entries and may refuse some of them (throttling): a refused
 * entry fails the call, and the caller's retry puts the list again — repeats carry the same eventId.
 */
public final class EventBridgeLinkPublisher implements MeetingLinkPublisher {

    public static final String DETAIL_TYPE_READY = "Meeting Ready";
    public static final String DETAIL_TYPE_ENDED = "Meeting Ended";
    private static final int MAX_ENTRIES = 10;

    private final EventBridgeClient client;
    private final String eventBusName;
    private final String source;

    public EventBridgeLinkPublisher(EventBridgeClient client, String eventBusName, String source) {
        this.client = client;
        this.eventBusName = eventBusName;
        this.source = source;
    }

    @Override
    public void publish(List<MeetingLinkChange> changes) throws IOException {
        for (int from = 0; from < changes.size(); from += MAX_ENTRIES) {
            List<PutEventsRequestEntry> entries = new ArrayList<>();
            for (MeetingLinkChange change : changes.subList(from, Math.min(changes.size(), from + MAX_ENTRIES))) {
                entries.add(entry(change));
            }
            put(entries);
        }
    }

    private void put(List<PutEventsRequestEntry> entries) throws IOException {
        PutEventsResponse response;
        try {
            response = client.putEvents(r -> r.entries(entries));
        } catch (SdkException e) {
            throw new IOException("EventBridge PutEvents to bus " + eventBusName + " failed: " + e.getMessage(), e);
        }
        if (response.failedEntryCount() == null || response.failedEntryCount() == 0) {
            return;
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < response.entries().size(); i++) {
            PutEventsResultEntry result = response.entries().get(i);
            if (result.errorCode() != null) {
                problems.add(result.errorCode() + " (" + result.errorMessage() + ")");
            }
        }
        throw new IOException(response.failedEntryCount() + " of " + entries.size()
                + " meeting link events refused by EventBridge bus " + eventBusName + ": " + problems);
    }

    private PutEventsRequestEntry entry(MeetingLinkChange change) {
        ObjectNode detail = Json.mapper().createObjectNode()
                .put("eventId", change.eventId())
                .put("meetingId", change.meetingId())
                .put("status", change.isReady() ? "ready" : "ended");
        if (change.isReady()) {
            detail.set("links", Json.mapper().valueToTree(new TreeMap<>(change.ready().links())));
            detail.set("instances", Json.mapper().valueToTree(new TreeMap<>(change.ready().instances())));
            detail.put("causeId", change.ready().causeId());
        }
        return PutEventsRequestEntry.builder()
                .eventBusName(eventBusName)
                .source(source)
                .detailType(change.isReady() ? DETAIL_TYPE_READY : DETAIL_TYPE_ENDED)
                .resources(List.of())
                .detail(Json.mapper().valueToTree(detail).toString())
                .build();
    }
}
