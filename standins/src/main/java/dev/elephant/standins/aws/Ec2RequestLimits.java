package dev.elephant.standins.aws;

import java.util.Map;
import java.util.Set;

/**
 * EC2's request token buckets, one per API action and per account: each request takes a token from its action's
 * bucket, and a request finding it empty is answered {@code RequestLimitExceeded} (HTTP 503), whatever the other
 * actions' buckets hold.
 *
 * <p>Source: "Request throttling for the Amazon EC2 API" (Amazon EC2 developer guide, ec2-api-throttling), "Request
 * token bucket sizes and refill rates": non-mutating actions ({@code Describe*}, {@code List*}, {@code Search*},
 * {@code Get*}) 100, refilled at 20 per second; the same requested "without specifying either pagination or a
 * filter" for {@code DescribeInstances}, {@code DescribeInstanceStatus}, {@code DescribeNetworkInterfaces}, … 50 at
 * 10; mutating actions 50 at 5; among the uncategorized actions {@code RunInstances} 5 at 2, {@code StartInstances}
 * 5 at 2, {@code TerminateInstances} 100 at 5, {@code CreateLaunchTemplateVersion} 100 at 5. The resource buckets
 * (instances, not requests) are {@link Ec2Fleet}'s.
 *
 * @param byAction     buckets of actions with limits of their own
 * @param nonMutating  the bucket of the other Describe/List/Search/Get actions
 * @param unfiltered   the smaller bucket of the listed actions when requested with no filter and no pagination
 * @param mutating     the bucket of every other action
 */
public record Ec2RequestLimits(Map<String, Bucket> byAction, Bucket nonMutating, Bucket unfiltered, Bucket mutating) {

    /** A bucket's size and how many tokens it gets back a second. */
    public record Bucket(double capacity, double refillPerSecond) {}

    /** The actions whose unfiltered, unpaginated requests take the smaller bucket (those the stand-in serves). */
    static final Set<String> UNFILTERED_ACTIONS = Set.of("DescribeInstances", "DescribeNetworkInterfaces");

    public Ec2RequestLimits {
        byAction = Map.copyOf(byAction);
    }

    /** EC2's defaults for an account, as documented. */
    public static Ec2RequestLimits documented() {
        return new Ec2RequestLimits(Map.of(
                "RunInstances", new Bucket(5, 2),
                "StartInstances", new Bucket(5, 2),
                "TerminateInstances", new Bucket(100, 5)),
                new Bucket(100, 20), new Bucket(50, 10), new Bucket(50, 5));
    }

    /** The same limits with one action's bucket changed: an account whose limit AWS raised. */
    public Ec2RequestLimits withAction(String action, Bucket bucket) {
        Map<String, Bucket> changed = new java.util.HashMap<>(byAction);
        changed.put(action, bucket);
        return new Ec2RequestLimits(changed, nonMutating, unfiltered, mutating);
    }

    /**
     * The bucket a request takes its token from, by name ({@code RunInstances}, {@code non-mutating},
     * {@code unfiltered:DescribeInstances}, {@code mutating}: each name is one bucket of the account).
     *
     * @param filteredOrPaginated the request has a {@code Filter.N} or asks for a page ({@code MaxResults},
     *                            {@code NextToken}); ids alone are neither
     */
    static String bucketOf(String action, boolean filteredOrPaginated) {
        if (UNFILTERED_ACTIONS.contains(action) && !filteredOrPaginated) {
            return "unfiltered:" + action;
        }
        return action;
    }

    Bucket limitsOf(String bucketName) {
        if (bucketName.startsWith("unfiltered:")) {
            return unfiltered;
        }
        Bucket own = byAction.get(bucketName);
        if (own != null) {
            return own;
        }
        boolean reads = bucketName.startsWith("Describe") || bucketName.startsWith("List")
                || bucketName.startsWith("Search") || bucketName.startsWith("Get");
        return reads ? nonMutating : mutating;
    }
}
