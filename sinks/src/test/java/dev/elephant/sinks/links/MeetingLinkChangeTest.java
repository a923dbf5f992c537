package dev.elephant.sinks.links;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.MeetingReady;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeetingLinkChangeTest {

    private static MeetingReady ready(Map<String, String> links, String causeId) {
        return new MeetingReady(MeetingReady.SCHEMA_VERSION, "m-1", links, Map.of("teacher", "i-1"), causeId);
    }

    @Test
    void sameLinksGetTheSameEventIdWhateverCausedThem() {
        var links = Map.of("teacher", "https://i-1.example.com:8443", "student", "https://i-2.example.com:8443");
        assertThat(MeetingLinkChange.of("m-1", ready(links, "evt-1")).eventId())
                .isEqualTo(MeetingLinkChange.of("m-1", ready(Map.copyOf(links), "evt-replayed")).eventId())
                .startsWith("m-1/ready/");
    }

    @Test
    void changedLinksGetANewEventId() {
        var before = MeetingLinkChange.of("m-1", ready(Map.of("teacher", "https://i-1.example.com:8443"), "e"));
        var after = MeetingLinkChange.of("m-1", ready(Map.of("teacher", "https://i-3.example.com:8443"), "e"));
        assertThat(after.eventId()).isNotEqualTo(before.eventId());
    }

    @Test
    void aTombstoneIsTheMeetingsEnd() {
        MeetingLinkChange ended = MeetingLinkChange.of("m-1", null);
        assertThat(ended.isReady()).isFalse();
        assertThat(ended.eventId()).isEqualTo("m-1/ended");
    }
}
