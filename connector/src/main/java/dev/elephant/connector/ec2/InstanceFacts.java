package dev.elephant.connector.ec2;

import java.util.Map;

/** What a lookup learned about an instance: its addresses and tags. */
public record InstanceFacts(String publicIp, String privateIp, Map<String, String> tags) {

    public InstanceFacts {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
