package dev.elephant.topology.common;

/** Where an instance's record stands with the provider, as far as the sink's outcomes tell. */
public enum RecordStatus {
    /** No record is wanted (not running, or no address). */
    NONE,
    /** A record is wanted with the current content; the provider has not confirmed it yet. */
    PENDING,
    /** The provider confirmed the current content. */
    CONFIRMED,
    /** The last attempt at the current content failed; the sink keeps trying. */
    FAILED
}
