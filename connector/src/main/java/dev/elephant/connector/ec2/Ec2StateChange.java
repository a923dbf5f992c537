package dev.elephant.connector.ec2;

import java.time.Instant;

/** The parts of an "EC2 Instance State-change Notification" Elephant uses, validated. */
public record Ec2StateChange(String eventId, Instant time, String instanceId, String state) {}
