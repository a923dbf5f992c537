package dev.elephant.connector.ec2;

import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the connector last wrote to {@code instance-events} for each EC2 instance (state and
 * addresses), so the inventory sweep writes only where EC2 now says something else. Kept in memory:
 * after a restart the first sweep writes every instance once.
 */
public final class WrittenInstances {

    /** The facts of a write the sweep compares with. */
    public record Written(String state, String publicIp, String privateIp) {}

    private final Map<String, Written> last = new ConcurrentHashMap<>();

    public void wrote(String instanceId, String state, String publicIp, String privateIp) {
        last.put(instanceId, new Written(state, publicIp, privateIp));
    }

    public boolean differs(String instanceId, String state, String publicIp, String privateIp) {
        return !Objects.equals(last.get(instanceId), new Written(state, publicIp, privateIp));
    }

    public Set<String> known() {
        return Set.copyOf(last.keySet());
    }

    public Written get(String instanceId) {
        return last.get(instanceId);
    }

    public void forget(String instanceId) {
        last.remove(instanceId);
    }
}
