package dev.elephant.sinks.machines;

import dev.elephant.events.LaunchSpec;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesRequest;
import software.amazon.awssdk.services.ec2.model.DescribeInstancesResponse;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.LaunchTemplateSpecification;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RunInstancesRequest;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;

/** {@link Ec2Machines} through the AWS SDK's EC2 client; every failure becomes an {@link Ec2Failure} with EC2's code. */
public final class SdkEc2Machines implements Ec2Machines {

    private final Ec2Client ec2;

    public SdkEc2Machines(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    @Override
    public List<String> launch(LaunchSpec spec, Map<String, String> tags, String clientToken) throws Ec2Failure {
        RunInstancesRequest.Builder request = RunInstancesRequest.builder()
                .minCount(1).maxCount(1)
                .clientToken(clientToken)
                .tagSpecifications(TagSpecification.builder().resourceType(ResourceType.INSTANCE)
                        .tags(tags.entrySet().stream().sorted(Map.Entry.comparingByKey())
                                .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                        .build());
        if (spec.launchTemplate() != null) {
            request.launchTemplate(LaunchTemplateSpecification.builder().launchTemplateName(spec.launchTemplate()).build());
        }
        if (spec.imageId() != null) {
            request.imageId(spec.imageId());
        }
        if (spec.instanceType() != null) {
            request.instanceType(spec.instanceType());
        }
        if (spec.subnetId() != null) {
            request.subnetId(spec.subnetId());
        }
        if (spec.securityGroupIds() != null) {
            request.securityGroupIds(spec.securityGroupIds());
        }
        if (spec.keyName() != null) {
            request.keyName(spec.keyName());
        }
        return call(() -> ec2.runInstances(request.build()).instances().stream().map(Instance::instanceId).toList());
    }

    @Override
    public void terminate(List<String> instanceIds) throws Ec2Failure {
        call(() -> ec2.terminateInstances(r -> r.instanceIds(instanceIds)));
    }

    @Override
    public int live(String tagKey, String tagValue) throws Ec2Failure {
        return call(() -> {
            int count = 0;
            String token = null;
            do {
                DescribeInstancesRequest.Builder request = DescribeInstancesRequest.builder()
                        .filters(Filter.builder().name("tag:" + tagKey).values(tagValue).build(),
                                Filter.builder().name("instance-state-name")
                                        .values("pending", "running", "stopping", "stopped").build())
                        .maxResults(1000);
                if (token != null) {
                    request.nextToken(token);
                }
                DescribeInstancesResponse page = ec2.describeInstances(request.build());
                count += page.reservations().stream().mapToInt(r -> r.instances().size()).sum();
                token = page.nextToken();
            } while (token != null && !token.isEmpty());
            return count;
        });
    }

    private static <T> T call(Supplier<T> call) throws Ec2Failure {
        try {
            return call.get();
        } catch (Ec2Exception e) {
            String code = e.awsErrorDetails() != null && e.awsErrorDetails().errorCode() != null
                    ? e.awsErrorDetails().errorCode() : "HTTP" + e.statusCode();
            String message = e.awsErrorDetails() != null ? e.awsErrorDetails().errorMessage() : e.getMessage();
            throw new Ec2Failure(code, message, e);
        } catch (SdkClientException e) {
            throw new Ec2Failure("unreachable", "EC2 did not answer: " + e.getMessage(), e);
        }
    }
}
