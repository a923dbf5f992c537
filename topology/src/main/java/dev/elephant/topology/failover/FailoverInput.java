package dev.elephant.topology.failover;

import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;

/**
 * What reaches the failover-state table: a declaration, its removal (a tombstone on {@code failover-names}), or a
 * check's result. Never serialized: the streams are merged right before the processor.
 */
public sealed interface FailoverInput {

    record Declared(FailoverName declaration) implements FailoverInput {}

    record Removed() implements FailoverInput {}

    record Checked(FailoverCheck check) implements FailoverInput {}

    static FailoverInput of(FailoverName declaration) {
        return declaration == null ? new Removed() : new Declared(declaration);
    }

    static FailoverInput of(FailoverCheck check) {
        return new Checked(check);
    }
}
