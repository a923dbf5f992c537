package dev.elephant.connector.ec2;

/** One instance as a listing of the project's instances shows it now. */
public record InstanceSummary(String instanceId, String state, InstanceFacts facts) {}
