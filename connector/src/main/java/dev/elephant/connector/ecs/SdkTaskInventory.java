package dev.elephant.connector.ecs;

import dev.elephant.connector.ec2.InstanceLookup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Attachment;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;

/** {@link TaskInventory} through the AWS SDK v2's ECS client: {@code ListTasks}, then {@code DescribeTasks} by 100. */
public final class SdkTaskInventory implements TaskInventory {

    /** DescribeTasks takes at most 100 tasks a call. */
    static final int MAX_DESCRIBE = 100;

    private final EcsClient ecs;

    public SdkTaskInventory(EcsClient ecs) {
        this.ecs = ecs;
    }

    @Override
    public List<TaskSummary> running(String cluster) throws InstanceLookup.LookupUnavailable {
        try {
            List<String> arns = new ArrayList<>();
            ecs.listTasksPaginator(r -> r.cluster(cluster).desiredStatus(DesiredStatus.RUNNING)).taskArns()
                    .forEach(arns::add);
            return describe(cluster, arns);
        } catch (SdkException e) {
            throw new InstanceLookup.LookupUnavailable("ECS ListTasks failed: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public List<TaskSummary> describe(String cluster, Collection<String> taskIds)
            throws InstanceLookup.LookupUnavailable {
        List<String> ids = List.copyOf(taskIds);
        List<TaskSummary> found = new ArrayList<>();
        try {
            for (int from = 0; from < ids.size(); from += MAX_DESCRIBE) {
                List<String> chunk = ids.subList(from, Math.min(ids.size(), from + MAX_DESCRIBE));
                ecs.describeTasks(r -> r.cluster(cluster).tasks(chunk).include(TaskField.TAGS)).tasks()
                        .forEach(t -> found.add(summary(t)));
            }
            return found;
        } catch (SdkException e) {
            throw new InstanceLookup.LookupUnavailable("ECS DescribeTasks failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static TaskSummary summary(Task t) {
        String eni = null;
        String privateIp = null;
        for (Attachment a : t.attachments()) {
            for (KeyValuePair d : a.details()) {
                if ("networkInterfaceId".equals(d.name())) {
                    eni = d.value();
                } else if ("privateIPv4Address".equals(d.name())) {
                    privateIp = d.value();
                }
            }
        }
        Map<String, String> tags = new HashMap<>();
        t.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
        String id = t.taskArn().substring(t.taskArn().lastIndexOf('/') + 1);
        return new TaskSummary(t.clusterArn(), t.taskArn(), id, t.lastStatus(), t.desiredStatus(),
                t.version() == null ? 0 : t.version(), eni, privateIp, tags);
    }
}
