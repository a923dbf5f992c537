package dev.elephant.standins.aws;

import com.sun.net.httpserver.HttpServer;
import dev.elephant.events.EcsStatus;
import dev.elephant.standins.aws.route53.Route53;
import dev.elephant.standins.aws.route53.Route53Api;
import dev.elephant.standins.dns.ZoneDnsServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local AWS on one port: EC2 (Query API), ECS, EventBridge, Secrets Manager (JSON protocols) and Route 53
 * (REST-XML), with every instance state change delivered to an HTTP endpoint as an EventBridge rule with an API
 * destination would deliver it.
 */
public final class AwsStandIn implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AwsStandIn.class);

    static {
        dev.elephant.events.HttpServerSettings.apply();
    }

    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService scheduler;
    private final EventBridgeDelivery delivery;
    private final Ec2Fleet fleet;
    private final SecretsManagerApi secrets;
    private final EventBridgeApi events;
    private final Ec2QueryApi ec2;
    private final EcsApi ecs;
    private final Route53Api route53;
    private final List<ZoneDnsServer> dnsServers = new CopyOnWriteArrayList<>();

    private AwsStandIn(HttpServer http, ExecutorService httpThreads, ScheduledExecutorService scheduler,
                       EventBridgeDelivery delivery, Ec2Fleet fleet, SecretsManagerApi secrets, EventBridgeApi events,
                       Ec2QueryApi ec2, EcsApi ecs, Route53Api route53) {
        this.route53 = route53;
        this.ec2 = ec2;
        this.ecs = ecs;
        this.secrets = secrets;
        this.events = events;
        this.http = http;
        this.httpThreads = httpThreads;
        this.scheduler = scheduler;
        this.delivery = delivery;
        this.fleet = fleet;
    }

    /**
     * @param eventTarget    where state-change events are POSTed (null: nowhere)
     * @param targetTls      how to trust an HTTPS target (null: the JDK's default trust)
     * @param apiKeyHeader   the API destination connection's header name
     * @param apiKey         its value
     * @param transitionDelay how long pending, stopping and shutting-down last
     * @param storeFile      where instances are kept across restarts (null: in memory only)
     */
    public record Settings(String bind, int port, String region, URI eventTarget, SSLContext targetTls,
                           String apiKeyHeader, String apiKey,
                           Duration transitionDelay, Path storeFile) {}

    public static AwsStandIn start(Settings s) throws IOException {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "standin-ec2-lifecycle");
            t.setDaemon(true);
            return t;
        });
        EventBridgeRules rules = new EventBridgeRules();
        EventBridgeDelivery delivery = new EventBridgeDelivery(s.eventTarget(), s.targetTls(), s.apiKeyHeader(),
                s.apiKey(), rules);
        Ec2Fleet fleet = new Ec2Fleet(s.region(), s.transitionDelay(), scheduler, delivery, s.storeFile(),
                Clock.systemUTC());
        HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getByName(s.bind()), s.port()), 64);
        Ec2QueryApi ec2 = new Ec2QueryApi(fleet);
        SecretsManagerApi secrets = new SecretsManagerApi(s.region(), Clock.systemUTC());
        EventBridgeApi events = new EventBridgeApi(Clock.systemUTC(), s.region(), rules);
        EcsApi ecs = new EcsApi(new EcsTasks(s.region(), fleet, scheduler, s.transitionDelay(), delivery,
                Clock.systemUTC()));
        Route53Api route53 = new Route53Api(new Route53(Route53.Limits.documented(), scheduler,
                s.storeFile() == null ? null : s.storeFile().resolveSibling("route53.json"), Clock.systemUTC()));
        // One endpoint, as LocalStack-style stand-ins do: the JSON protocols name their operation in a header.
        http.createContext("/", exchange -> {
            String target = exchange.getRequestHeaders().getFirst("X-Amz-Target");
            if (exchange.getRequestURI().getPath().startsWith(Route53Api.PATH_PREFIX)) {
                route53.handle(exchange); // REST-XML: the operation is in the path
            } else if (target != null && target.startsWith("secretsmanager.")) {
                secrets.handle(exchange, target);
            } else if (target != null && target.startsWith("AWSEvents.")) {
                events.handle(exchange, target);
            } else if (target != null && target.startsWith(EcsApi.TARGET_PREFIX)) {
                ecs.handle(exchange, target);
            } else {
                ec2.handle(exchange);
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "standin-ec2");
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(threads);
        http.start();
        log.info("AWS stand-in: EC2, ECS, EventBridge, Secrets Manager and Route 53 APIs on http://127.0.0.1:{}, EventBridge events to {}",
                http.getAddress().getPort(), s.eventTarget());
        return new AwsStandIn(http, threads, scheduler, delivery, fleet, secrets, events, ec2, ecs, route53);
    }

    /**
     * An ECS task as {@code DescribeTasks} reports it: in {@code clusterArn}, started by {@code group}
     * ({@code service:NAME} or {@code family:NAME}), with the tags ECS propagated to it.
     */
    public void registerEcsTask(String clusterArn, String taskArn, String group, Map<String, String> tags) {
        ecs.register(new EcsTasks.Task(clusterArn, taskArn, null, group, Map.copyOf(tags), null, null, 0, null, null,
                null));
    }

    /** The next {@code count} ECS task events into {@code lastStatus} (RUNNING, STOPPED, …) are lost. */
    public void loseTaskEvents(String lastStatus, int count) {
        ecs.tasks().loseEvents(EcsStatus.valueOf(lastStatus), count);
    }

    /** How many EC2 calls of {@code action} ({@code DescribeInstances}, …) the stand-in received. */
    public long ec2Calls(String action) {
        return ec2.calls(action);
    }

    /**
     * Up to {@code deliveries} EventBridge deliveries on their way at once from now on (by default one, in the order
     * the events were made; EventBridge delivers many at once and in no promised order).
     */
    public void deliveryConcurrency(int deliveries) {
        delivery.concurrency(deliveries);
    }

    /** Per event id, when EventBridge first POSTed it to its target. */
    public java.util.Map<String, java.time.Instant> deliveryFirstAttempts() {
        return delivery.firstAttempts();
    }

    /** How many EventBridge deliveries (retries included) the target answered with {@code status}. */
    public long deliveriesAnswered(int status) {
        return delivery.answered(status);
    }

    /** EventBridge deliveries not ended yet: a test waits for 0 before it checks what arrived. */
    public int deliveriesPending() {
        return delivery.pending();
    }

    /** The ids of the events Elephant accepted (answered 2xx), each once per delivery that was accepted. */
    public java.util.List<String> deliveredEventIds() {
        return delivery.acceptedEventIds();
    }

    /** Every delivery attempt, retries included. */
    public long deliveryAttempts() {
        return delivery.attempts();
    }

    /** Per event id, how many times a delivery of it was attempted. */
    public java.util.Map<String, Long> deliveryAttemptsById() {
        return delivery.attemptsById();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + http.getAddress().getPort());
    }

    public int port() {
        return http.getAddress().getPort();
    }

    public List<Ec2Instance> instances() {
        return fleet.all();
    }

    /** Stores a secret, as {@code aws secretsmanager create-secret} would. */
    public void putSecret(String name, String value) {
        secrets.put(name, value);
    }

    /**
     * Runs {@code hook} after each call of an EC2 {@code action} (RunInstances, …) took effect and before its answer
     * leaves; null removes it.
     */
    public void beforeAnsweringEc2(String action, Runnable hook) {
        ec2.beforeAnswering(action, hook);
    }

    /** The next {@code times} calls of an EC2 action (DescribeInstances, …) answer 503 RequestLimitExceeded. */
    public void throttleEc2(String action, int times) {
        ec2.throttle(action, times);
    }

    /** A secret's current value, as {@code aws secretsmanager get-secret-value} would show it. */
    public java.util.Optional<String> secret(String name) {
        return secrets.get(name);
    }

    /** Events put on an EventBridge bus of this stand-in with {@code PutEvents}, oldest first. */
    public List<PutEvent> putEvents() {
        return events.events();
    }

    /** The next {@code count} PutEvents entries fail with ThrottlingException. */
    public void throttlePutEvents(int count) {
        events.throttleEntries(count);
    }

    /**
     * RunInstances' resource token bucket (default 1,000, refilled at 2 per second, as EC2's): a launch past it
     * answers {@code RequestLimitExceeded}.
     */
    public void launchResources(int capacity, double refillPerSecond) {
        fleet.launchResources(capacity, refillPerSecond);
    }

    /**
     * EC2's request token buckets, per action, for this stand-in's account ({@link Ec2RequestLimits#documented()}:
     * EC2's defaults); null: none. {@code elephant dev} and the benchmarks run with EC2's defaults.
     */
    public void requestLimits(Ec2RequestLimits limits) {
        ec2.requestLimits(limits);
    }

    /** How many calls of an EC2 action were answered {@code RequestLimitExceeded}. */
    public long ec2Throttled(String action) {
        return ec2.throttled(action);
    }

    /** The account's running-instances quota: launches past it answer {@code InstanceLimitExceeded}. */
    public void instanceQuota(int quota) {
        fleet.instanceQuota(quota);
    }

    /** The next {@code count} launches answer {@code InsufficientInstanceCapacity} (HTTP 500) and launch nothing. */
    public void failLaunches(int count) {
        fleet.failLaunches(count);
    }

    /** A network interface such as an ECS task on Fargate gets, with a public address. */
    public NetworkInterface createTaskNetworkInterface(Map<String, String> tags) {
        return fleet.createNetworkInterface(tags);
    }

    /** The next {@code count} "EC2 Instance State-change Notification"s into {@code state} are never delivered. */
    public void loseEvents(String state, int count) {
        fleet.loseEvents(dev.elephant.events.Ec2State.fromWireName(state).orElseThrow(), count);
    }

    public void deleteNetworkInterface(String id) {
        fleet.deleteNetworkInterface(id);
    }

    /** The account's Route 53: its hosted zones, limits and counters. */
    public Route53 route53() {
        return route53.route53();
    }

    /** The Route 53 API itself: fault injection, hooks, calls per action. */
    public Route53Api route53Api() {
        return route53;
    }

    /**
     * The hosted zone for {@code domain} ({@code private}: for clients in a VPC), created unless it exists, as
     * {@code aws route53 create-hosted-zone} would; the zone dev starts with.
     */
    public Route53.HostedZone hostedZone(String domain, boolean privateZone) {
        String fqdn = domain.endsWith(".") ? domain : domain + ".";
        return route53().hostedZones().stream()
                .filter(z -> z.name().equals(fqdn.toLowerCase(java.util.Locale.ROOT)) && z.privateZone() == privateZone)
                .findFirst()
                .orElseGet(() -> route53().createHostedZone(domain, "elephant-standin-" + domain
                        + (privateZone ? "-private" : ""), privateZone, "made by the stand-in"));
    }

    /**
     * Answers DNS queries for a hosted zone on {@code port} (UDP and TCP), with what its name servers hold: the
     * changes that are in sync. Returns the port.
     */
    public int serveDns(Route53.HostedZone zone, String bind, int port) throws IOException {
        String zoneName = zone.name().substring(0, zone.name().length() - 1);
        ZoneDnsServer server = new ZoneDnsServer(zoneName, name -> route53().served(zone.id(), name).stream()
                .flatMap(set -> set.values().stream().map(v -> new ZoneDnsServer.Answer(set.type(),
                        set.type().equals("TXT") ? v.replaceAll("^\"|\"$", "") : v, (int) set.ttl())))
                .toList(), InetAddress.getByName(bind), port);
        dnsServers.add(server);
        return server.port();
    }

    @Override
    public void close() {
        dnsServers.forEach(ZoneDnsServer::close);
        http.stop(0);
        httpThreads.shutdownNow();
        scheduler.shutdownNow();
        delivery.close();
        fleet.close();
    }
}
