package dev.elephant.sinks.certificates;

import java.util.Optional;

/** The subset of Secrets Manager the certificate manager uses: read a secret, write one (creating it if new). */
public interface SecretStore {

    /** The secret's current value, or empty when there is no such secret. */
    Optional<String> read(String name) throws Unavailable;

    /** Makes {@code value} the secret's current value, creating the secret if there is none; the new version's id. */
    String write(String name, String value) throws Unavailable;

    /**
     * Creates the secret with {@code value} unless it exists; false when it did (another instance was first, and its
     * value stands).
     */
    boolean createIfAbsent(String name, String value) throws Unavailable;

    /** The store could not be read or written. The message names the secret, never its value. */
    final class Unavailable extends Exception {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
