package dev.elephant.app.runtime;

import dev.elephant.app.queries.StateQueries;
import dev.elephant.connector.sweep.KnownInstances;
import dev.elephant.topology.instances.InstanceState;
import java.util.List;
import java.util.Optional;

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
    public Optional<Known> get(String instanceId) throws Unavailable {
        try {
            return queries.instance(instanceId).map(TableKnownInstances::known);
        } catch (StateQueries.StoreUnavailable e) {
            throw new Unavailable(e.getMessage());
        }
    }

    @Override
    public List<Known> open() throws Unavailable {
        try {
            return queries.localInstances().stream().filter(s -> !s.isFinal())
                    .map(TableKnownInstances::known).toList();
        } catch (StateQueries.StoreUnavailable e) {
            throw new Unavailable(e.getMessage());
        }
    }

    /** What the last applied event said; {@code found} is false when it carried no addresses (gone or disowned). */
    private static Known known(InstanceState s) {
        return new Known(s.instanceId(), s.source(), s.state(), s.desiredStatus(), s.version(), s.publicIp(),
                s.privateIp(), s.publicIp() != null || s.privateIp() != null);
    }
}
