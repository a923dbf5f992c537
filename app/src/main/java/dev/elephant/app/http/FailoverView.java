package dev.elephant.app.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.FailoverCheck;
import dev.elephant.events.FailoverName;
import dev.elephant.events.Json;
import dev.elephant.topology.failover.FailoverState;
import dev.elephant.topology.failover.TargetHealth;
import java.util.Locale;

/**
 * A failover name as {@code GET /v1/failover/{name}} and the {@code GET /v1/failover} listing show it: where it
 * points and since when, why (the result or declaration that moved it), and each target's health with its last
 * results.
 */
final class FailoverView {

    private FailoverView() {}

    static ObjectNode of(FailoverState f, String domain) {
        FailoverName d = f.declaration();
        ObjectNode body = Json.mapper().createObjectNode()
                .put("name", d.name())
                .put("record", d.recordName(domain))
                .put("target", f.current())
                .put("address", f.content())
                .put("bothUnhealthy", f.bothUnhealthy())
                .put("since", f.since() == null ? null : f.since().toString())
                .put("causeId", f.causeId());
        body.set("declaration", Json.mapper().valueToTree(d));
        ObjectNode checks = body.putObject("checks");
        for (String role : new String[] {FailoverCheck.PRIMARY, FailoverCheck.SECONDARY}) {
            TargetHealth h = f.health(role);
            ObjectNode t = checks.putObject(role)
                    .put("target", d.target(role).describe())
                    .put("health", h.health().name().toLowerCase(Locale.ROOT))
                    .put("inARow", h.inARow())
                    .put("lastOk", h.lastTime() == null ? null : h.lastOk())
                    .put("address", h.address())
                    .put("lastCheck", h.lastTime() == null ? null : h.lastTime().toString());
            ArrayNode recent = t.putArray("recent");
            for (int i = h.recent().size() - 1; i >= 0; i--) {
                FailoverCheck c = h.recent().get(i);
                recent.addObject().put("time", c.time().toString()).put("ok", c.ok()).put("detail", c.detail())
                        .put("address", c.address()).put("latencyMs", c.latencyMs()).put("checkId", c.checkId());
            }
        }
        return body;
    }
}
