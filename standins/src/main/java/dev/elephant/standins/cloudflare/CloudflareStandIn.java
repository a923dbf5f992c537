package dev.elephant.standins.cloudflare;

import dev.elephant.standins.http.FaultPlan;
import com.sun.net.httpserver.HttpServer;
import dev.elephant.standins.dns.ZoneDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local Cloudflare: the v4 DNS records API for one zone over HTTP, and that zone answered over
 * real DNS. Strict like the real service: what Cloudflare refuses, it refuses with the same code.
 */
public final class CloudflareStandIn implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CloudflareStandIn.class);

    static {
        dev.elephant.events.HttpServerSettings.apply();
    }

    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ZoneDnsServer dns;
    private final CloudflareApi api;
    private final Zone zone;

    private CloudflareStandIn(HttpServer http, ExecutorService httpThreads, ZoneDnsServer dns, CloudflareApi api,
                              Zone zone) {
        this.http = http;
        this.httpThreads = httpThreads;
        this.dns = dns;
        this.api = api;
        this.zone = zone;
    }

    /** Tags a record may carry on a paid plan; the Free plan allows none. */
    static final int PAID_PLAN_TAGS = 10;

    /** Settings of the stand-in; the defaults are those of a Free plan zone. A zone with paid-plan comments also takes tags. */
    public record Settings(String bind, int httpPort, int dnsPort, String zoneId, String zoneName, String token, Path storeFile,
                           int recordQuota, int maxCommentLength, int rateLimit, long rateWindowMillis,
                           int maxBatchOperations) {

        public static Settings freePlan(String bind, int httpPort, int dnsPort, String zoneId, String zoneName,
                                        String token, Path storeFile) {
            return new Settings(bind, httpPort, dnsPort, zoneId, zoneName, token, storeFile, 200, 100, 1200, 300_000, 200);
        }

        /** A paid zone: 3,500 records, 500-character comments, batches of 3,500. */
        public static Settings paidPlan(String bind, int httpPort, int dnsPort, String zoneId, String zoneName,
                                        String token, Path storeFile) {
            return new Settings(bind, httpPort, dnsPort, zoneId, zoneName, token, storeFile, 3500, 500, 1200, 300_000,
                    3500);
        }
    }

    public static CloudflareStandIn start(Settings s) throws IOException {
        InetAddress address = InetAddress.getByName(s.bind());
        Zone zone = new Zone(s.zoneId(), s.zoneName(), s.recordQuota(), s.maxCommentLength(),
                s.maxCommentLength() > 100 ? PAID_PLAN_TAGS : 0, s.storeFile(),
                Clock.systemUTC());
        CloudflareApi api = new CloudflareApi(zone, s.token(), Clock.systemUTC(), s.rateLimit(), s.rateWindowMillis(),
                s.maxBatchOperations());
        HttpServer http = HttpServer.create(new InetSocketAddress(address, s.httpPort()), 64);
        http.createContext("/client/v4/", api);
        ExecutorService threads = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "standin-cloudflare");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.start();
        ZoneDnsServer dns;
        try {
            dns = new ZoneDnsServer(zone.name(), fqdn -> zone.lookup(fqdn).stream()
                    .map(r -> new ZoneDnsServer.Answer(r.type(), r.content(), r.ttl())).toList(), address, s.dnsPort());
        } catch (IOException e) {
            http.stop(0);
            threads.shutdownNow();
            throw new IOException("cannot serve DNS on port " + s.dnsPort() + ": " + e.getMessage(), e);
        }
        log.info("Cloudflare stand-in: API on http://127.0.0.1:{}/client/v4 (zone {} {}), DNS on 127.0.0.1:{}",
                http.getAddress().getPort(), s.zoneName(), s.zoneId(), dns.port());
        return new CloudflareStandIn(http, threads, dns, api, zone);
    }

    public String apiBaseUrl() {
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/client/v4";
    }

    public int httpPort() {
        return http.getAddress().getPort();
    }

    public int dnsPort() {
        return dns.port();
    }

    public String zoneId() {
        return zone.id();
    }

    /** Every record in the zone, as the provider holds them. */
    public List<DnsRecord> records() {
        return zone.list(r -> true);
    }

    /** Write requests (anything but GET) the API answered, successful or not. */
    public long writeRequestCount() {
        return api.requestLog().stream().filter(CloudflareApi.LoggedRequest::isWrite).count();
    }

    /** Records created, changed or deleted through the API: the provider's own account of what it did. */
    public long changesApplied() {
        return api.requestLog().stream().mapToLong(CloudflareApi.LoggedRequest::changesApplied).sum();
    }

    /** Requests answered with this HTTP status. */
    public long requestsAnswered(int status) {
        return api.requestLog().stream().filter(r -> r.status() == status).count();
    }

    /** Every request the API answered, one line each: time, method, path, status, changes applied. */
    public List<String> requestLog() {
        return api.requestLog().stream().map(r -> r.time() + " " + r.method() + " " + r.path() + " " + r.status()
                + " changes=" + r.changesApplied()).toList();
    }

    /** Every request the API answered (reads too). */
    public long requestCount() {
        return api.requestLog().size();
    }

    /** Every request answered {@code latency} later from now on (zero: as fast as it can), before it is handled. */
    public void latency(java.time.Duration latency) {
        api.latency(latency.toMillis());
    }

    /** Random faults on every request from now on (null stops them). */
    public void faults(FaultPlan plan) {
        api.faults(plan);
    }

    /**
     * Runs {@code hook} after a request's writes were applied and before its answer leaves (null: no
     * hook): the moment a crash test kills the caller, so that a change happened and the caller never heard.
     */
    public void beforeAnsweringAWrite(Runnable hook) {
        api.beforeAnsweringAWrite(hook);
    }

    /** How many requests met each kind of fault (NONE included). */
    public Map<FaultPlan.Fault, Long> faultCounts() {
        return api.faultCounts();
    }

    /** Requests refused because the token went over the real rate limit (not injected faults). */
    public long rateLimitRefusals() {
        return api.rateLimitRefusals();
    }

    /** Rotates the API token: the old one is refused from now on (HTTP 403, code 10000). */
    public void rotateToken(String newToken) {
        api.rotateToken(newToken);
    }

    /** True while the token is blocked (every call 429) for having gone over the rate limit. */
    public boolean isRateLimitBlocked() {
        return api.isBlocked();
    }

    public void injectFault(int status, int times) {
        api.injectFault(status, times);
    }

    /** A record created straight in the zone, as a person would in Cloudflare's dashboard. */
    public DnsRecord createForeignRecord(String name, String type, String content, String comment) {
        return zone.create(new Zone.RecordFields(name, type, content, 1, false, comment, null));
    }

    /** Deletes a record straight in the zone, as a person would in the dashboard. */
    public void deleteRecord(String recordId) {
        zone.delete(recordId);
    }

    /** Changes a record's content straight in the zone, as a person would in the dashboard. */
    public DnsRecord changeContent(String recordId, String content) {
        return zone.patch(recordId, new Zone.RecordFields(null, null, content, null, null, null, null));
    }

    @Override
    public void close() {
        dns.close();
        http.stop(0);
        httpThreads.shutdownNow();
    }
}
