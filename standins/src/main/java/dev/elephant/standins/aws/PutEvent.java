package dev.elephant.standins.aws;

import java.time.Instant;

/** An event the EventBridge stand-in accepted through {@code PutEvents}. */
public record PutEvent(String eventId, String eventBusName, String source, String detailType, String detail,
                       Instant time) {}
