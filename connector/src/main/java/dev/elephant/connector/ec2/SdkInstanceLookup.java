package dev.elephant.connector.ec2;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/** {@link InstanceLookup} through the AWS SDK v2's EC2 client ({@code DescribeInstances}). */
public final class SdkInstanceLookup implements InstanceLookup {

    private final Ec2Client ec2;

    public SdkInstanceLookup(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    @Override
    public Optional<InstanceFacts> describe(String instanceId) throws LookupUnavailable {
        try {
            Optional<Instance> found = ec2.describeInstances(r -> r.instanceIds(instanceId)).reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .filter(i -> instanceId.equals(i.instanceId()))
                    .findFirst();
            return found.map(SdkInstanceLookup::facts);
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && "InvalidInstanceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw new LookupUnavailable("EC2 DescribeInstances failed: " + errorCode(e), e);
        } catch (SdkException e) {
            throw new LookupUnavailable("EC2 DescribeInstances failed: " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public Map<String, Optional<InstanceFacts>> describeAll(java.util.Collection<String> instanceIds)
            throws LookupUnavailable {
        if (instanceIds.size() == 1) {
            String id = instanceIds.iterator().next();
            return Map.of(id, describe(id));
        }
        Map<String, Optional<InstanceFacts>> found = new HashMap<>();
        try {
            ec2.describeInstances(r -> r.instanceIds(instanceIds)).reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .filter(i -> instanceIds.contains(i.instanceId()))
                    .forEach(i -> found.put(i.instanceId(), Optional.of(facts(i))));
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null && "InvalidInstanceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                // One unknown id fails the whole call; asking one by one tells which.
                return InstanceLookup.super.describeAll(instanceIds);
            }
            throw new LookupUnavailable("EC2 DescribeInstances failed: " + errorCode(e), e);
        } catch (SdkException e) {
            throw new LookupUnavailable("EC2 DescribeInstances failed: " + e.getClass().getSimpleName(), e);
        }
        instanceIds.forEach(id -> found.putIfAbsent(id, Optional.empty()));
        return found;
    }

    @Override
    public List<InstanceSummary> listProject(ProjectFilter project) throws LookupUnavailable {
        try {
            List<InstanceSummary> found = new ArrayList<>();
            ec2.describeInstancesPaginator(r -> r.filters(Filter.builder().name("tag:" + project.tagKey())
                            .values(project.tagValue()).build()).maxResults(1000))
                    .reservations().forEach(res -> res.instances().forEach(i -> found.add(new InstanceSummary(
                            i.instanceId(), i.state().nameAsString(), facts(i)))));
            return found;
        } catch (SdkException e) {
            throw new LookupUnavailable("EC2 DescribeInstances (inventory) failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static InstanceFacts facts(Instance i) {
        Map<String, String> tags = new HashMap<>();
        for (Tag t : i.tags()) {
            tags.put(t.key(), t.value());
        }
        return new InstanceFacts(i.publicIpAddress(), i.privateIpAddress(), tags);
    }

    @Override
    public Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) throws LookupUnavailable {
        try {
            return ec2.describeNetworkInterfaces(r -> r.networkInterfaceIds(networkInterfaceId)).networkInterfaces()
                    .stream()
                    .filter(n -> networkInterfaceId.equals(n.networkInterfaceId()))
                    .findFirst()
                    .map(n -> {
                        Map<String, String> tags = new HashMap<>();
                        for (Tag t : n.tagSet()) {
                            tags.put(t.key(), t.value());
                        }
                        String publicIp = n.association() == null ? null : n.association().publicIp();
                        return new InstanceFacts(publicIp, n.privateIpAddress(), tags);
                    });
        } catch (Ec2Exception e) {
            if (e.awsErrorDetails() != null
                    && "InvalidNetworkInterfaceID.NotFound".equals(e.awsErrorDetails().errorCode())) {
                return Optional.empty();
            }
            throw new LookupUnavailable("EC2 DescribeNetworkInterfaces failed: " + errorCode(e), e);
        } catch (SdkException e) {
            throw new LookupUnavailable("EC2 DescribeNetworkInterfaces failed: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String errorCode(Ec2Exception e) {
        return e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
    }
}
