package dev.elephant.connector.sweep;

import dev.elephant.events.InstanceEvent;
import java.util.Map;

/**
 * What Elephant's own table ({@code instance-state}) holds of the EC2 instances, as far as this Elephant
 * instance owns them: the sweep compares EC2 with it, so only the owner of an instance's partition ever writes
 * a repair for it (several instances no longer sweep the same fleet into duplicate events), and nothing has to
 * be remembered beside the table.
 */
public interface KnownInstances {

    /**
     * @param source        {@code aws.ec2} or {@code aws.ecs}
     * @param desiredStatus ECS only, else null
     * @param version       ECS only: the task version of the last event applied, else null
     * @param found         false when the last event said EC2 no longer knew it, or that it is no longer tagged
     *                      for the project: no addresses, no record
     * @param ended         the state is final (terminated, a stopped task)
     */
    record Known(String instanceId, String source, String state, String desiredStatus, Long version,
                 String publicIp, String privateIp, boolean found, boolean ended) {

        public boolean isEcs() {
            return InstanceEvent.SOURCE_ECS.equals(source);
        }
    }

    /** The table cannot be read now (Kafka Streams rebalancing or restoring): the sweep waits for its next turn. */
    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }

    /** Whether this Elephant instance holds the partition of {@code instanceId}: only its owner sweeps it. */
    boolean owns(String instanceId) throws Unavailable;

    /** Every instance and task of the partitions held here, by id: the sweep reads the table once. */
    Map<String, Known> held() throws Unavailable;
}
