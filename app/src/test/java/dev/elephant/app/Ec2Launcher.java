package dev.elephant.app;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.EventBridgeSamples;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** The real AWS SDK v2 EC2 client, pointed at the EC2 stand-in, as the tests drive it. */
final class Ec2Launcher {

    private Ec2Launcher() {}

    static Ec2Client client(AwsStandIn aws) {
        return client(aws.endpoint());
    }

    static Ec2Client client(java.net.URI endpoint) {
        return Ec2Client.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(ApacheHttpClient.builder())
                .build();
    }

    /** Launches one instance with these tags (key, value, key, value, …) and returns its id. */
    static String launch(Ec2Client ec2, String... tags) {
        List<Tag> tagList = new ArrayList<>();
        for (int i = 0; i < tags.length; i += 2) {
            tagList.add(Tag.builder().key(tags[i]).value(tags[i + 1]).build());
        }
        return ec2.runInstances(r -> r.imageId("ami-12345678").minCount(1).maxCount(1)
                        .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                                .tags(tagList).build()))
                .instances().get(0).instanceId();
    }

    /** The sample "running" state-change event for {@code instanceId}, with its own event id, as EventBridge sends it. */
    static byte[] runningEvent(String instanceId, String eventId) {
        ObjectNode event = EventBridgeSamples.readAsOfNow("ec2-running.json");
        event.put("id", eventId);
        ((ObjectNode) event.get("detail")).put("instance-id", instanceId);
        return Json.toBytes(event);
    }

    /**
     * Launches at least {@code atLeast} instances, and more until their ids fall in every one of {@code partitions}
     * partitions (keyed by id as the instance table is), so that whichever partitions each of several Elephant
     * instances owns, each owns some of these ids. Ids are random: without this a few of them can all hash to
     * the partitions of one instance, and a test of forwarding between instances would find nothing to forward.
     */
    static List<String> launchCoveringPartitions(Ec2Client ec2, int atLeast, int partitions, String... tags) {
        List<String> ids = new ArrayList<>();
        Set<Integer> covered = new HashSet<>();
        while (ids.size() < atLeast || covered.size() < partitions) {
            String id = launch(ec2, tags);
            ids.add(id);
            covered.add(Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions);
        }
        return ids;
    }

    static String launch(AwsStandIn aws, String... tags) {
        try (Ec2Client ec2 = client(aws)) {
            return launch(ec2, tags);
        }
    }
}
