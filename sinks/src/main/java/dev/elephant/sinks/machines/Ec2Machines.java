package dev.elephant.sinks.machines;

import dev.elephant.events.LaunchSpec;
import java.util.List;
import java.util.Map;

/** The part of EC2 the machine executor uses: launch with a client token, terminate, count what it launched. */
public interface Ec2Machines {

    /**
     * {@code RunInstances} of one instance with these tags, idempotent by {@code clientToken}: the same token and
     * settings again answer the instance the first call launched and launch nothing.
     *
     * @return the ids of the instances launched (by this call or by the first call with the token)
     */
    List<String> launch(LaunchSpec spec, Map<String, String> tags, String clientToken) throws Ec2Failure;

    /** {@code TerminateInstances}: idempotent; an instance already shutting down or terminated is no error. */
    void terminate(List<String> instanceIds) throws Ec2Failure;

    /** How many instances with this tag are not terminated (pending, running, stopping, stopped). */
    int live(String tagKey, String tagValue) throws Ec2Failure;
}
