package dev.elephant.sinks.links;

import java.io.IOException;
import java.util.List;

/** Where meeting links go besides the {@code meeting-ready} topic. */
public interface MeetingLinkPublisher {

    /**
     * Publishes every change, in order, or throws: the caller retries the whole list, so publishing
     * must tolerate repeats (each change carries a stable event id).
     */
    void publish(List<MeetingLinkChange> changes) throws IOException;
}
