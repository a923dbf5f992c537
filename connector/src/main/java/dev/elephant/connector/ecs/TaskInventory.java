package dev.elephant.connector.ecs;

import dev.elephant.connector.ec2.InstanceLookup;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/** The subset of ECS the inventory sweep uses: the tasks of a cluster as ECS reports them now. */
public interface TaskInventory {

    /**
     * One task as {@code DescribeTasks} shows it.
     *
     * @param version            ECS's count of the task's changes: orders this against the events
     * @param networkInterfaceId the task's ENI (awsvpc), or null
     */
    record TaskSummary(String clusterArn, String taskArn, String taskId, String lastStatus, String desiredStatus,
                       long version, String networkInterfaceId, String privateIp, Map<String, String> tags) {}

    /** Every task of the cluster whose desired status is RUNNING, through every page. */
    List<TaskSummary> running(String cluster) throws InstanceLookup.LookupUnavailable;

    /** The tasks of the cluster among {@code taskIds} that ECS still knows (a stopped task: about an hour). */
    List<TaskSummary> describe(String cluster, Collection<String> taskIds) throws InstanceLookup.LookupUnavailable;
}
