package dev.elephant.connector.ec2;

import java.util.Optional;

/** The subset of EC2 the connector uses: what an instance's (or a task's interface's) addresses and tags are now. */
public interface InstanceLookup {

    /**
     * @return the facts, or empty when EC2 no longer knows the instance
     * @throws LookupUnavailable when EC2 could not answer (throttled, 5xx, timeout): worth retrying
     */
    Optional<InstanceFacts> describe(String instanceId) throws LookupUnavailable;

    /**
     * Several instances at once; an id EC2 no longer knows maps to empty. One call where the
     * implementation can; one call per id otherwise.
     */
    default java.util.Map<String, Optional<InstanceFacts>> describeAll(java.util.Collection<String> instanceIds)
            throws LookupUnavailable {
        java.util.Map<String, Optional<InstanceFacts>> found = new java.util.HashMap<>();
        for (String id : instanceIds) {
            found.put(id, describe(id));
        }
        return found;
    }

    /**
     * What an ECS task's network interface says: its public address and tags.
     *
     * @return the facts, or empty when EC2 no longer knows the interface (the task is gone)
     */
    Optional<InstanceFacts> describeNetworkInterface(String networkInterfaceId) throws LookupUnavailable;

    /**
     * Several network interfaces at once; an id EC2 no longer knows maps to empty. One call where the implementation
     * can; one call per id otherwise.
     */
    default java.util.Map<String, Optional<InstanceFacts>> describeNetworkInterfaces(
            java.util.Collection<String> networkInterfaceIds) throws LookupUnavailable {
        java.util.Map<String, Optional<InstanceFacts>> found = new java.util.HashMap<>();
        for (String id : networkInterfaceIds) {
            found.put(id, describeNetworkInterface(id));
        }
        return found;
    }

    /** Every instance tagged for the project, in any state EC2 still reports, through every page. */
    java.util.List<InstanceSummary> listProject(ProjectFilter project) throws LookupUnavailable;

    /** One page of a listing, and the token of the next (null after the last). */
    record Page(java.util.List<InstanceSummary> instances, String nextToken) {}

    /**
     * One page of {@link #listProject}: the first with {@code nextToken} null, the next with the token the page before
     * gave. One call each where the implementation pages; the whole listing as one page otherwise.
     */
    default Page listProjectPage(ProjectFilter project, String nextToken) throws LookupUnavailable {
        return new Page(listProject(project), null);
    }

    final class LookupUnavailable extends Exception {
        private final boolean throttled;

        public LookupUnavailable(String message, Throwable cause) {
            this(message, cause, false);
        }

        /** @param throttled EC2 refused for its request rate ({@code RequestLimitExceeded}), not for a fault */
        public LookupUnavailable(String message, Throwable cause, boolean throttled) {
            super(message, cause);
            this.throttled = throttled;
        }

        /** Whether EC2's request rate, rather than a fault, kept the answer away. */
        public boolean throttled() {
            return throttled;
        }
    }
}
