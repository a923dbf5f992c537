package dev.elephant.app.runtime;

import dev.elephant.app.queries.StateQueries;
import dev.elephant.connector.sweep.KnownInstances;
import dev.elephant.topology.instances.InstanceState;
import java.util.HashMap;
import java.util.Map;

/** The inventory sweep's view of Elephant's own {@code instance-state} table, as far as this instance owns it. */
final class TableKnownInstances implements KnownInstances {

    private final StateQueries queries;

    TableKnownInstances(StateQueries queries) {
        this.queries = queries;
    }

    @Override
    public boolean owns(String instanceId) throws Unavailable {
        try {
            return queries.ownsInstance(instanceId);
        } catch (StateQueries.StoreUnavailable e) {
            throw new Unavailable(e.getMessage());
        }
    }

    @Override
    public Map<String, Known> held() throws Unavailable {
        try {
            Map<String, Known> held = new HashMap<>();
            queries.localInstances().forEach(s -> held.put(s.instanceId(), known(s)));
            return held;
        } catch (StateQueries.StoreUnavailable e) {
            throw new Unavailable(e.getMessage());
        }
    }

    /** What the last applied event said; {@code found} is false when it carried no addresses (gone or disowned). */
    private static Known known(InstanceState s) {
        return new Known(s.instanceId(), s.source(), s.state(), s.desiredStatus(), s.version(), s.publicIp(),
                s.privateIp(), s.publicIp() != null || s.privateIp() != null, s.isFinal());
    }
}
