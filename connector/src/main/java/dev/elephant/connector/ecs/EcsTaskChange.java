package dev.elephant.connector.ecs;

import java.time.Instant;

/**
 * The parts of an "ECS Task State Change" Elephant uses, validated.
 *
 * @param networkInterfaceId the task's ENI (awsvpc network mode), or null
 * @param privateIp          {@code privateIPv4Address} from the ENI attachment's details, or null
 */
public record EcsTaskChange(String eventId, Instant time, String taskId, String clusterArn, String taskArn, long version,
                            String lastStatus, String desiredStatus, String networkInterfaceId, String privateIp) {}
