package dev.elephant.events;

import java.util.Optional;

/**
 * EC2's instance states, in lifecycle order. The rank breaks ties between two events with the same
 * event time: the later state in the lifecycle wins.
 */
public enum Ec2State {
    PENDING("pending", 0),
    RUNNING("running", 16),
    STOPPING("stopping", 64),
    STOPPED("stopped", 80),
    SHUTTING_DOWN("shutting-down", 32),
    TERMINATED("terminated", 48);

    private final String wireName;
    private final int code;

    Ec2State(String wireName, int code) {
        this.wireName = wireName;
        this.code = code;
    }

    public String wireName() {
        return wireName;
    }

    /** EC2's state code (the low byte; AWS documents that the high byte is to be ignored). */
    public int code() {
        return code;
    }

    public int rank() {
        return ordinal();
    }

    public boolean isFinal() {
        return this == TERMINATED;
    }

    public static Optional<Ec2State> fromWireName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Ec2State s : values()) {
            if (s.wireName.equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
