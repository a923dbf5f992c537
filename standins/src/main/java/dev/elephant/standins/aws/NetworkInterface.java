package dev.elephant.standins.aws;

import java.util.Map;

/** A network interface of the EC2 stand-in, as an ECS task on Fargate gets one (awsvpc mode). */
public record NetworkInterface(String id, String privateIp, String publicIp, Map<String, String> tags) {

    public NetworkInterface {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }
}
