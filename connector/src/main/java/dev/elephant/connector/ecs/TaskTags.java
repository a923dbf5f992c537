package dev.elephant.connector.ecs;

import dev.elephant.connector.ec2.InstanceLookup;
import java.util.Map;
import java.util.Optional;

/**
 * Where an ECS task's tags come from: the task itself ({@code DescribeTasks} with tags; ECS propagates
 * them from the service or the task definition), since the ENI ECS creates for a Fargate task carries
 * none of them.
 */
public interface TaskTags {

    /**
     * @return the task's tags, or empty when ECS no longer knows the task
     * @throws InstanceLookup.LookupUnavailable when ECS could not answer (throttled, 5xx, timeout)
     */
    Optional<Map<String, String>> of(String clusterArn, String taskArn) throws InstanceLookup.LookupUnavailable;
}
