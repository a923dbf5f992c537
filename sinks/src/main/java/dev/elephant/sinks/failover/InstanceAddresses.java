package dev.elephant.sinks.failover;

/**
 * Where an instance target is now: the address its own record has (Elephant's instance-state table, wherever the
 * instance's partition is held), so a failover name pointing at an instance follows it as its record does.
 */
@FunctionalInterface
public interface InstanceAddresses {

    /** What Elephant knows of the instance: its address, or why it has none. */
    record Where(String address, String why) {

        public static Where at(String address) {
            return new Where(address, null);
        }

        public static Where nowhere(String why) {
            return new Where(null, why);
        }
    }

    /** @throws Unavailable when the table cannot be read now (no result is written then: nothing was checked) */
    Where of(String instanceId) throws Unavailable;

    final class Unavailable extends Exception {
        public Unavailable(String message) {
            super(message);
        }
    }
}
