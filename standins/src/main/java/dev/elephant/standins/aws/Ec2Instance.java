package dev.elephant.standins.aws;

import dev.elephant.events.Ec2State;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** One instance the EC2 stand-in runs. A started instance gets a new public address, as on AWS. */
public record Ec2Instance(String instanceId, String reservationId, String imageId, String instanceType,
                          Ec2State state, String privateIp, String publicIp, Map<String, String> tags,
                          Instant launchTime) {

    public Ec2Instance {
        tags = tags == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tags));
    }

    Ec2Instance withState(Ec2State next, String newPublicIp) {
        return new Ec2Instance(instanceId, reservationId, imageId, instanceType, next, privateIp, newPublicIp, tags,
                launchTime);
    }
}
