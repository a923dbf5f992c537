package dev.elephant.app.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.elephant.app.queries.StateQueries;
import dev.elephant.events.Json;
import dev.elephant.sinks.failover.InstanceAddresses;
import dev.elephant.topology.instances.InstanceState;
import java.io.IOException;
import java.util.Optional;

/**
 * Where an instance target of a failover name is now: its record's address in instance-state, read here when this
 * instance holds its partition, else asked of the instance that does (as {@code GET /v1/instances/{id}} would be).
 */
final class PeerInstanceAddresses implements InstanceAddresses {

    private final StateQueries queries;
    private final QueryForwarder peers;

    PeerInstanceAddresses(StateQueries queries, QueryForwarder peers) {
        this.queries = queries;
        this.peers = peers;
    }

    @Override
    public Where of(String instanceId) throws Unavailable {
        try {
            Optional<InstanceState> s = queries.instance(instanceId);
            return s.map(st -> where(instanceId, st.state(), st.recordContent())).orElseGet(() -> unknown(instanceId));
        } catch (StateQueries.OwnedElsewhere e) {
            try {
                byte[] body = peers.fetchIfFound(e.owner(), "/v1/instances/" + instanceId);
                if (body == null) {
                    return unknown(instanceId);
                }
                JsonNode n = Json.mapper().readTree(body);
                JsonNode content = n.path("record").path("content");
                return where(instanceId, n.path("state").asText(null), content.isTextual() ? content.asText() : null);
            } catch (IOException io) {
                throw new Unavailable("the instance holding " + instanceId + " did not answer: " + io.getMessage());
            }
        } catch (StateQueries.StoreUnavailable e) {
            throw new Unavailable(e.getMessage());
        }
    }

    private static Where where(String id, String state, String address) {
        return address != null ? Where.at(address) : Where.nowhere(id + " is " + state + ": it has no address");
    }

    private static Where unknown(String id) {
        return Where.nowhere(id + " is unknown to Elephant (no event of it)");
    }
}
