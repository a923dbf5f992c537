package dev.elephant.app.runtime;

import dev.elephant.sinks.links.EventBridgeLinkPublisher;
import dev.elephant.sinks.links.MeetingLinkPublisher;
import dev.elephant.sinks.links.MeetingReadyFollower;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;

/** The meeting-link follower, and the EventBridge bus it publishes to when one is configured. */
final class MeetingLinksWiring implements HealthCheck {

    private final MeetingReadyFollower follower;

    private MeetingLinksWiring(MeetingReadyFollower follower) {
        this.follower = follower;
    }

    static MeetingLinksWiring start(ElephantSettings s, Clock clock, MeterRegistry metrics, Closer closer) {
        MeetingLinkPublisher publisher = null;
        if (s.meetingLinks().eventBus() != null) {
            EventBridgeClient eventBridge = closer.register(
                    AwsClients.build(EventBridgeClient.builder(), s.aws(), Duration.ofSeconds(5)));
            publisher = new EventBridgeLinkPublisher(eventBridge, s.meetingLinks().eventBus(),
                    s.meetingLinks().source());
        }
        MeetingReadyFollower follower = closer.register(new MeetingReadyFollower(s.kafka().properties(),
                s.applicationId() + "-meeting-links", s.topics().names().meetingReady(), publisher, metrics, clock));
        follower.start();
        return new MeetingLinksWiring(follower);
    }

    @Override
    public void health(Map<String, String> problems) {
        if (!follower.isAlive()) {
            problems.put("meetingLinks", "not running");
        }
    }
}
