package dev.elephant.connector.ecs;

import dev.elephant.connector.ec2.InstanceLookup;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskField;

/** {@link TaskTags} through the AWS SDK v2's ECS client ({@code DescribeTasks}, {@code include: TAGS}). */
public final class SdkTaskTags implements TaskTags {

    private final EcsClient ecs;

    public SdkTaskTags(EcsClient ecs) {
        this.ecs = ecs;
    }

    @Override
    public Optional<Map<String, String>> of(String clusterArn, String taskArn) throws InstanceLookup.LookupUnavailable {
        try {
            Optional<Task> task = ecs.describeTasks(r -> r.cluster(clusterArn).tasks(taskArn).include(TaskField.TAGS))
                    .tasks().stream().filter(t -> taskArn.equals(t.taskArn())).findFirst();
            return task.map(t -> {
                Map<String, String> tags = new HashMap<>();
                t.tags().forEach(tag -> tags.put(tag.key(), tag.value()));
                return tags;
            });
        } catch (SdkException e) {
            throw new InstanceLookup.LookupUnavailable("ECS DescribeTasks failed: " + e.getClass().getSimpleName(), e);
        }
    }
}
