package dev.elephant.connector.ec2;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.Ec2Exception;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.Instance;
import software.amazon.awssdk.services.ec2.model.Tag;

/** {@link InstanceLookup} through the AWS SDK v2's EC2 client ({@code DescribeInstances}). */
public final class SdkInstanceLookup implements InstanceLookup {

    /** Ids asked in one call; the coalescing lookup sends no more than this either. */
    static final int MAX_FILTER_VALUES = 100;

    private final Ec2Client ec2;

    public SdkInstanceLookup(Ec2Client ec2) {
        this.ec2 = ec2;
    }

    @Override
    public Optional<InstanceFacts> describe(String instanceId) throws LookupUnavailable {
        return describeAll(List.of(instanceId)).get(instanceId);
    }

    @Override
    public Map<String, Optional<InstanceFacts>> describeAll(Collection<String> instanceIds)
            throws LookupUnavailable {
        return LookupCalls.inCallsOf(MAX_FILTER_VALUES, instanceIds, this::describeSome);
    }

    /** One call for at most {@link #MAX_FILTER_VALUES} instances: those EC2 knows. */
    private Map<String, Optional<InstanceFacts>> describeSome(Collection<String> ids) throws LookupUnavailable {
        Map<String, Optional<InstanceFacts>> found = new HashMap<>();
        try {
            // By the instance-id filter, not by InstanceIds, even for one id: asked by id, one id EC2 does not
            // know (yet, just after a launch; any more, an hour after termination) fails the whole call with
            // InvalidInstanceID.NotFound, while a filter answers with what exists; and a filtered call takes its
            // token from the account's Describe bucket (100, 20 a second), where an unfiltered, unpaginated one
            // takes it from the smaller bucket of 50 at 10 ("Request throttling for the Amazon EC2 API"). The
            // paginator follows nextToken should the answer come in pages.
            ec2.describeInstancesPaginator(r -> r.filters(Filter.builder().name("instance-id").values(ids).build()))
                    .reservations().stream()
                    .flatMap(r -> r.instances().stream())
                    .filter(i -> ids.contains(i.instanceId()))
                    .forEach(i -> found.put(i.instanceId(), Optional.of(facts(i))));
            return found;
        } catch (SdkException e) {
            throw new LookupUnavailable("EC2 DescribeInstances failed: "
                    + (e instanceof Ec2Exception ec2e ? errorCode(ec2e) : e.getClass().getSimpleName()), e,
                    e instanceof SdkServiceException service && service.isThrottlingException());
        }
    }

    @Override
    public List<InstanceSummary> listProject(ProjectFilter project) throws LookupUnavailable {
        return LookupCalls.everyPage(token -> listProjectPage(project, token));
    }

    @Override
    public Page listProjectPage(ProjectFilter project, String nextToken) throws LookupUnavailable {
        try {
            var answer = ec2.describeInstances(r -> r.filters(Filter.builder().name("tag:" + project.tagKey())
                    .values(project.tagValue()).build()).maxResults(1000).nextToken(nextToken));
            List<InstanceSummary> found = new ArrayList<>();
            answer.reservations().forEach(res -> res.instances().forEach(i -> found.add(new InstanceSummary(
                    i.instanceId(), i.state().nameAsString(), facts(i)))));
            String next = answer.nextToken();
            return new Page(found, next == null || next.isEmpty() ? null : next);
        } catch (SdkException e) {
            throw new LookupUnavailable("EC2 DescribeInstances (inventory) failed: "
                    + (e instanceof Ec2Exception ec2e ? errorCode(ec2e) : e.getClass().getSimpleName()), e,
                    e instanceof SdkServiceException service && service.isThrottlingException());
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
        return describeNetworkInterfaces(List.of(networkInterfaceId)).get(networkInterfaceId);
    }

    @Override
    public Map<String, Optional<InstanceFacts>> describeNetworkInterfaces(Collection<String> networkInterfaceIds)
            throws LookupUnavailable {
        return LookupCalls.inCallsOf(MAX_FILTER_VALUES, networkInterfaceIds, this::describeSomeInterfaces);
    }

    /** One call for at most {@link #MAX_FILTER_VALUES} network interfaces: those EC2 knows. */
    private Map<String, Optional<InstanceFacts>> describeSomeInterfaces(Collection<String> ids)
            throws LookupUnavailable {
        Map<String, Optional<InstanceFacts>> found = new HashMap<>();
        try {
            // By the network-interface-id filter, as instances are asked by theirs: an interface EC2 no longer knows
            // (its task stopped) is left out instead of failing the call for the others, and the filtered call takes
            // its token from the larger Describe bucket.
            ec2.describeNetworkInterfacesPaginator(r -> r.filters(Filter.builder().name("network-interface-id")
                            .values(ids).build()))
                    .networkInterfaces().stream()
                    .filter(n -> ids.contains(n.networkInterfaceId()))
                    .forEach(n -> {
                        Map<String, String> tags = new HashMap<>();
                        for (Tag t : n.tagSet()) {
                            tags.put(t.key(), t.value());
                        }
                        String publicIp = n.association() == null ? null : n.association().publicIp();
                        found.put(n.networkInterfaceId(), Optional.of(new InstanceFacts(publicIp, n.privateIpAddress(),
                                tags)));
                    });
            return found;
        } catch (SdkException e) {
            throw new LookupUnavailable("EC2 DescribeNetworkInterfaces failed: "
                    + (e instanceof Ec2Exception ec2e ? errorCode(ec2e) : e.getClass().getSimpleName()), e,
                    e instanceof SdkServiceException service && service.isThrottlingException());
        }
    }

    private static String errorCode(Ec2Exception e) {
        return e.awsErrorDetails() == null ? String.valueOf(e.statusCode()) : e.awsErrorDetails().errorCode();
    }
}
