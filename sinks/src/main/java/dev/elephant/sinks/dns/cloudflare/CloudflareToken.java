package dev.elephant.sinks.dns.cloudflare;

import dev.elephant.events.Secret;

/**
 * Where the Cloudflare API token comes from. A token kept in a secret store can be rotated while
 * Elephant runs: when Cloudflare refuses the token, the provider asks for it again once before
 * giving up.
 */
public interface CloudflareToken {

    Secret current();

    /** Reads the token again from where it lives; true when a different token was found. */
    default boolean reread() {
        return false;
    }

    /** A token given once (the environment, the configuration file): nothing to re-read. */
    static CloudflareToken fixed(Secret token) {
        return () -> token;
    }
}
