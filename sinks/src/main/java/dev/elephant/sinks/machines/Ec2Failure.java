package dev.elephant.sinks.machines;

import java.util.Set;

/**
 * EC2 refused or failed a call, with its error code. Which codes may succeed later follows the EC2 API reference
 * ("Error codes for the Amazon EC2 API"): throttling, capacity, the instance quota and EC2's own server errors; a
 * request that is wrong (an image that does not exist, a bad parameter, a token reused with other parameters) will
 * fail the same way every time.
 */
public final class Ec2Failure extends Exception {

    /** Throttled: try the same call again after a short wait. */
    static final Set<String> THROTTLED = Set.of("RequestLimitExceeded", "Throttling", "ThrottlingException");
    /** Fine to try again later (as another attempt for a launch). */
    static final Set<String> LATER = Set.of("InsufficientInstanceCapacity", "InstanceLimitExceeded",
            "InsufficientFreeAddressesInSubnet", "InternalError", "ServiceUnavailable", "Unavailable",
            "VcpuLimitExceeded", "unreachable");

    private final String code;

    public Ec2Failure(String code, String message, Throwable cause) {
        super(code + ": " + message, cause);
        this.code = code;
    }

    public String code() {
        return code;
    }

    public boolean throttled() {
        return THROTTLED.contains(code);
    }

    /** Whether the same request may succeed later. */
    public boolean retryable() {
        return throttled() || LATER.contains(code);
    }
}
