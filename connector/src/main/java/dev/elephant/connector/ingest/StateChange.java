package dev.elephant.connector.ingest;

import java.time.Instant;

/** One state change EventBridge delivers, validated: of an EC2 instance or of an ECS task. */
public sealed interface StateChange {

    /** The EventBridge event id. */
    String eventId();

    Instant time();

    /** The key on {@code instance-events}: the instance id or the task id. */
    String key();

    /** The parts of an "EC2 Instance State-change Notification" Elephant uses. */
    record Ec2Instance(String eventId, Instant time, String instanceId, String state) implements StateChange {
        @Override
        public String key() {
            return instanceId;
        }
    }

    /**
     * The parts of an "ECS Task State Change" Elephant uses.
     *
     * @param networkInterfaceId the task's ENI (awsvpc network mode), or null
     * @param privateIp          {@code privateIPv4Address} from the ENI attachment's details, or null
     */
    record EcsTask(String eventId, Instant time, String taskId, String clusterArn, String taskArn, long version,
                   String lastStatus, String desiredStatus, String networkInterfaceId, String privateIp)
            implements StateChange {
        @Override
        public String key() {
            return taskId;
        }
    }
}
