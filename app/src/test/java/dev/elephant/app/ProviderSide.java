package dev.elephant.app;

import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.standins.aws.AwsStandIn;
import dev.elephant.standins.aws.route53.Route53;
import dev.elephant.standins.cloudflare.CloudflareStandIn;
import dev.elephant.standins.http.FaultPlan;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The stand-in of the DNS provider a run writes to, seen the same way whichever it is, so that one suite checks
 * both: its records with their marks, what it applied, its faults, and records made there by hand.
 */
interface ProviderSide {

    /** A record as the provider holds it; {@code mark} is the ownership mark beside or on it, or null. */
    record Rec(String id, String name, String type, String content, String mark) {}

    ElephantSettings.DnsProviderKind kind();

    /** Every record in the zone (Route 53: record sets, without the zone's own and with marks folded in). */
    List<Rec> records();

    /** Record writes applied (creates, updates, deletes): what the audit's applied outcomes must add up to. */
    long recordWrites();

    /** Requests received. */
    long requests();

    /** Write requests received. */
    long writeRequests();

    /** Random faults on every request from now on (null stops them). */
    void faults(FaultPlan plan);

    /** Runs {@code hook} after a write was applied and before it is answered (null: none). */
    void beforeAnsweringAWrite(Runnable hook);

    /** A record made by hand in the zone, without Elephant's mark. */
    void addForeign(String name, String type, String content);

    /** Deletes a record by hand (on Route 53 its mark stays, as a person deleting the record would leave it). */
    void deleteByHand(Rec record);

    /** Requests refused because the real rate limit was exceeded (not injected faults). */
    long rateLimitRefusals();

    /** The provider's section of the run configuration, as YAML at the top level. */
    String configYaml();

    static ProviderSide cloudflare(CloudflareStandIn cloudflare) {
        return new ProviderSide() {
            @Override
            public ElephantSettings.DnsProviderKind kind() {
                return ElephantSettings.DnsProviderKind.CLOUDFLARE;
            }

            @Override
            public List<Rec> records() {
                return cloudflare.records().stream()
                        .map(r -> new Rec(r.id(), r.name(), r.type(), r.content(), r.comment())).toList();
            }

            @Override
            public long recordWrites() {
                return cloudflare.changesApplied();
            }

            @Override
            public long requests() {
                return cloudflare.requestCount();
            }

            @Override
            public long writeRequests() {
                return cloudflare.writeRequestCount();
            }

            @Override
            public void faults(FaultPlan plan) {
                cloudflare.faults(plan);
            }

            @Override
            public void beforeAnsweringAWrite(Runnable hook) {
                cloudflare.beforeAnsweringAWrite(hook);
            }

            @Override
            public void addForeign(String name, String type, String content) {
                cloudflare.createForeignRecord(name, type, content, "made by hand");
            }

            @Override
            public void deleteByHand(Rec record) {
                cloudflare.deleteRecord(record.id());
            }

            @Override
            public long rateLimitRefusals() {
                return cloudflare.rateLimitRefusals() + (cloudflare.isRateLimitBlocked() ? 1 : 0);
            }

            @Override
            public String configYaml() {
                return "";
            }

            @Override
            public String toString() {
                return "cloudflare";
            }
        };
    }

    static ProviderSide route53(AwsStandIn aws, Route53.HostedZone zone) {
        return new ProviderSide() {
            @Override
            public ElephantSettings.DnsProviderKind kind() {
                return ElephantSettings.DnsProviderKind.ROUTE53;
            }

            @Override
            public List<Rec> records() {
                List<Route53.RecordSet> sets = aws.route53().recordSets(zone.id());
                List<Rec> out = new ArrayList<>();
                for (Route53.RecordSet s : sets) {
                    if (s.type().equals("SOA") || s.type().equals("NS") || isMark(s.name())) {
                        continue;
                    }
                    String markName = "_elephant-" + s.type().toLowerCase(java.util.Locale.ROOT) + "." + s.name();
                    String mark = sets.stream().filter(m -> m.name().equals(markName) && m.type().equals("TXT"))
                            .map(m -> m.values().get(0).replace("\"", "")).findFirst().orElse(null);
                    String name = s.name().substring(0, s.name().length() - 1);
                    out.add(new Rec(name + " " + s.type(), name, s.type(), String.join(",", s.values()), mark));
                }
                return out;
            }

            /**
             * Changes to records, marks left out; a DELETE and a CREATE of one record set in one batch are one
             * update.
             */
            @Override
            public long recordWrites() {
                long writes = 0;
                for (List<Route53.Change> batch : aws.route53().appliedBatches()) {
                    Set<String> deleted = new HashSet<>();
                    for (Route53.Change c : batch) {
                        if (isMark(c.set().name())) {
                            continue;
                        }
                        String key = c.set().name() + " " + c.set().type();
                        if (c.action() == Route53.Action.DELETE) {
                            deleted.add(key);
                            writes++;
                        } else if (!deleted.remove(key)) {
                            writes++;
                        }
                    }
                }
                return writes;
            }

            @Override
            public long requests() {
                return aws.route53Api().requestCount();
            }

            @Override
            public long writeRequests() {
                return aws.route53().changeRequests();
            }

            @Override
            public void faults(FaultPlan plan) {
                aws.route53Api().faults(plan);
            }

            @Override
            public void beforeAnsweringAWrite(Runnable hook) {
                aws.route53Api().beforeAnsweringAChange(hook);
            }

            @Override
            public void addForeign(String name, String type, String content) {
                aws.route53().change(zone.id(), List.of(new Route53.Change(Route53.Action.CREATE,
                        new Route53.RecordSet(name + ".", type, 300, List.of(content)))), "by hand");
            }

            @Override
            public void deleteByHand(Rec record) {
                Route53.RecordSet set = aws.route53().recordSets(zone.id()).stream()
                        .filter(s -> s.name().equals(record.name() + ".") && s.type().equals(record.type()))
                        .findFirst().orElseThrow();
                aws.route53().change(zone.id(), List.of(new Route53.Change(Route53.Action.DELETE, set)), "by hand");
            }

            @Override
            public long rateLimitRefusals() {
                return aws.route53().throttled();
            }

            @Override
            public String configYaml() {
                return "dns:\n  provider: route53\nroute53:\n  hostedZoneId: " + zone.id() + "\n";
            }

            @Override
            public String toString() {
                return "route53";
            }

            private boolean isMark(String name) {
                return name.startsWith("_elephant-");
            }
        };
    }
}
