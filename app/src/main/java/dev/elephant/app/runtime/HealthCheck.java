package dev.elephant.app.runtime;

import java.util.Map;

/**
 * What a capability says about itself. Readiness is whether this instance can take traffic (ingest, queries,
 * {@code join}); health is everything an operator wants to know. A capability adds the problems it has now.
 */
interface HealthCheck {

    /** Problems that mean this instance cannot take traffic. */
    default void readiness(Map<String, String> problems) {}

    /** Problems an operator should see; readiness's are added separately. */
    default void health(Map<String, String> problems) {}
}
