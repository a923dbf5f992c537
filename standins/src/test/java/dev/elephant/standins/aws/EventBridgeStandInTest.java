package dev.elephant.standins.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.EventBridgeException;
import software.amazon.awssdk.services.eventbridge.model.PutEventsRequestEntry;
import software.amazon.awssdk.services.eventbridge.model.PutEventsResponse;

/** The EventBridge stand-in's PutEvents, driven through the real AWS SDK v2 client. */
class EventBridgeStandInTest {

    private AwsStandIn aws;
    private EventBridgeClient events;

    @BeforeEach
    void start() throws IOException {
        aws = AwsStandIn.start(new AwsStandIn.Settings("127.0.0.1", 0, "us-east-1", null, null, "X-Elephant-Key",
                "k", Duration.ofMillis(200), null));
        events = EventBridgeClient.builder()
                .endpointOverride(aws.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    @AfterEach
    void stop() {
        events.close();
        aws.close();
    }

    private static PutEventsRequestEntry entry(String detail) {
        return PutEventsRequestEntry.builder().eventBusName("links").source("elephant").detailType("Meeting Ready")
                .detail(detail).build();
    }

    @Test
    void acceptedEntriesGetAnIdAndAreKeptInOrder() {
        PutEventsResponse r = events.putEvents(p -> p.entries(entry("{\"n\":1}"), entry("{\"n\":2}")));

        assertThat(r.failedEntryCount()).isZero();
        assertThat(r.entries()).allSatisfy(e -> assertThat(e.eventId()).isNotBlank());
        assertThat(aws.putEvents()).extracting(PutEvent::detail).containsExactly("{\"n\":1}", "{\"n\":2}");
        assertThat(aws.putEvents()).allSatisfy(e -> assertThat(e.eventBusName()).isEqualTo("links"));
    }

    @Test
    void aMalformedDetailFailsItsEntryOnlyAndTheOthersGoThrough() {
        PutEventsResponse r = events.putEvents(p -> p.entries(entry("not json"), entry("{\"n\":2}")));

        assertThat(r.failedEntryCount()).isEqualTo(1);
        assertThat(r.entries().get(0).errorCode()).isEqualTo("MalformedDetail");
        assertThat(r.entries().get(1).eventId()).isNotBlank();
        assertThat(aws.putEvents()).hasSize(1);
    }

    @Test
    void moreThanTenEntriesAreRefusedWhole() {
        List<PutEventsRequestEntry> eleven = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            eleven.add(entry("{}"));
        }
        assertThatThrownBy(() -> events.putEvents(p -> p.entries(eleven)))
                .isInstanceOfSatisfying(EventBridgeException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.statusCode()).isEqualTo(400);
                });
        assertThat(aws.putEvents()).isEmpty();
    }

    @Test
    void throttledEntriesFailWithThrottlingException() {
        aws.throttlePutEvents(1);

        PutEventsResponse r = events.putEvents(p -> p.entries(entry("{\"n\":1}"), entry("{\"n\":2}")));

        assertThat(r.entries().get(0).errorCode()).isEqualTo("ThrottlingException");
        assertThat(r.entries().get(1).eventId()).isNotBlank();
    }
}
