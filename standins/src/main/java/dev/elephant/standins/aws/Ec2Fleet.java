package dev.elephant.standins.aws;

import dev.elephant.standins.http.TokenBucket;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.elephant.events.Ec2State;
import dev.elephant.events.Json;
import dev.elephant.standins.http.StateFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The instances of the EC2 stand-in and their lifecycle: pending → running, stopping → stopped,
 * shutting-down → terminated, each step after a delay, each change announced as an EventBridge
 * "EC2 Instance State-change Notification".
 */
final class Ec2Fleet {

    static final String ACCOUNT = "000000000000";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, Ec2Instance> instances = new LinkedHashMap<>();
    private final Map<String, NetworkInterface> networkInterfaces = new LinkedHashMap<>();
    private final Map<String, ClientTokenLaunch> clientTokens = new LinkedHashMap<>();
    private int instanceQuota = Integer.MAX_VALUE;
    private int capacityFailures;
    private final Map<Ec2State, Integer> toLose = new java.util.EnumMap<>(Ec2State.class);
    private final String region;
    private final Duration transitionDelay;
    private final ScheduledExecutorService scheduler;
    private final EventBridgeDelivery delivery;
    private final Path storeFile;
    // The whole fleet is written at most every 100 ms, not at every change: written at every change, a fleet of
    // thousands changing many times a second spent the stand-in's CPU on JSON (O(changes × fleet)).
    private final StateFile.Writer writer;
    private final Clock clock;
    private long addressCounter;

    Ec2Fleet(String region, Duration transitionDelay, ScheduledExecutorService scheduler, EventBridgeDelivery delivery,
             Path storeFile, Clock clock) {
        this.region = region;
        this.transitionDelay = transitionDelay;
        this.scheduler = scheduler;
        this.delivery = delivery;
        this.storeFile = storeFile;
        this.clock = clock;
        load();
        this.writer = storeFile == null ? null : new StateFile.Writer(storeFile, "the EC2 stand-in's instances",
                this::snapshot, Duration.ofMillis(100));
    }

    synchronized List<Ec2Instance> all() {
        return List.copyOf(instances.values());
    }

    /** Those of {@code ids} the fleet holds, skipping the unknown. */
    synchronized List<Ec2Instance> existing(List<String> ids) {
        return ids.stream().distinct().map(instances::get).filter(Objects::nonNull).toList();
    }

    synchronized Ec2Instance get(String id) {
        Ec2Instance i = instances.get(id);
        if (i == null) {
            throw new Ec2Error("InvalidInstanceID.NotFound", "The instance ID '" + id + "' does not exist");
        }
        return i;
    }

    synchronized NetworkInterface createNetworkInterface(Map<String, String> tags) {
        return createNetworkInterface(tags, true);
    }

    /** @param publicIp give it a public address too (an awsvpc task with {@code assignPublicIp: ENABLED}) */
    synchronized NetworkInterface createNetworkInterface(Map<String, String> tags, boolean publicIp) {
        NetworkInterface eni = new NetworkInterface("eni-" + hex(17), nextPrivateIp(), publicIp ? nextPublicIp() : null,
                tags);
        networkInterfaces.put(eni.id(), eni);
        save();
        return eni;
    }

    synchronized void deleteNetworkInterface(String id) {
        networkInterface(id);
        networkInterfaces.remove(id);
        save();
    }

    /** The interface, or null when the fleet has none of that id. */
    synchronized NetworkInterface networkInterfaceIfKnown(String id) {
        return networkInterfaces.get(id);
    }

    synchronized NetworkInterface networkInterface(String id) {
        NetworkInterface eni = networkInterfaces.get(id);
        if (eni == null) {
            throw new Ec2Error("InvalidNetworkInterfaceID.NotFound", "The networkInterface ID '" + id + "' does not exist");
        }
        return eni;
    }

    synchronized List<Ec2Instance> run(String imageId, String instanceType, int count, Map<String, String> tags) {
        return run(imageId, instanceType, count, tags, null, "");
    }

    /**
     * {@code RunInstances}, idempotent by {@code clientToken} as EC2 documents it ("Ensuring idempotency in Amazon
     * EC2 API requests"): the same token with the same parameters answers the instances the first request launched,
     * whatever happened to them since, and launches nothing; the same token with other parameters is
     * {@code IdempotentParameterMismatch}. Without a token every request launches. Then the account's instance
     * quota ({@code InstanceLimitExceeded}) and injected capacity failures ({@code InsufficientInstanceCapacity}).
     */
    /** @param parameters the rest of the request, compared like the rest when a client token comes again */
    synchronized List<Ec2Instance> run(String imageId, String instanceType, int count, Map<String, String> tags,
                                       String clientToken, String parameters) {
        String fingerprint = imageId + "|" + instanceType + "|" + count + "|" + new java.util.TreeMap<>(tags) + "|"
                + parameters;
        if (clientToken != null) {
            if (clientToken.isEmpty() || clientToken.length() > 64
                    || !clientToken.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
                throw new Ec2Error("InvalidParameterValue", "ClientToken must be 1 to 64 ASCII characters");
            }
            ClientTokenLaunch earlier = clientTokens.get(clientToken);
            if (earlier != null) {
                if (!earlier.fingerprint().equals(fingerprint)) {
                    throw new Ec2Error("IdempotentParameterMismatch", "Arguments on this idempotent request are "
                            + "inconsistent with arguments used in previous request(s).");
                }
                return earlier.instanceIds().stream().map(instances::get).toList();
            }
        }
        if (!launchResources.tryTake(count)) {
            // The resource bucket: one token per instance launched, whatever the number of requests.
            throw new Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
        }
        long live = instances.values().stream().filter(i -> !i.state().isFinal()).count();
        if (live + count > instanceQuota) {
            throw new Ec2Error("InstanceLimitExceeded", "Your quota allows for " + Math.max(0, instanceQuota - live)
                    + " more running instance(s). You requested at least " + count + ".");
        }
        if (capacityFailures > 0) {
            capacityFailures--;
            // A server error at EC2: retrying later, or elsewhere, may succeed.
            throw new Ec2Error(500, "InsufficientInstanceCapacity", "We currently do not have sufficient "
                    + instanceType + " capacity in the Availability Zone you requested (" + region + "a). Our system "
                    + "will be working on provisioning additional capacity.");
        }
        String reservationId = "r-" + hex(8);
        List<Ec2Instance> launched = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            Ec2Instance i = new Ec2Instance("i-" + hex(17).substring(0, 17), reservationId, imageId, instanceType,
                    Ec2State.PENDING, nextPrivateIp(), nextPublicIp(), tags, clock.instant().truncatedTo(ChronoUnit.SECONDS));
            instances.put(i.instanceId(), i);
            launched.add(i);
            announce(i);
            later(i.instanceId(), Ec2State.PENDING, Ec2State.RUNNING);
        }
        if (clientToken != null) {
            clientTokens.put(clientToken, new ClientTokenLaunch(fingerprint,
                    launched.stream().map(Ec2Instance::instanceId).toList()));
        }
        save();
        return launched;
    }

    /**
     * RunInstances' resource token bucket: each instance launched takes a token. EC2's default is a bucket of 1,000
     * refilled at 2 per second ("Request throttling for the Amazon EC2 API", resource token limits: "you can
     * immediately launch 1000 instances ... After the resource token bucket is empty, you can launch up to two
     * instances every second"); an account may have it raised.
     */
    private volatile TokenBucket launchResources = TokenBucket.of(1000, 2);

    /**
     * The other actions' resource buckets, one token per instance named, as documented beside RunInstances':
     * TerminateInstances 1,000 refilled at 20 per second, StartInstances 1,000 at 2, StopInstances 1,000 at 20.
     */
    private final TokenBucket terminateResources = TokenBucket.of(1000, 20);
    private final TokenBucket startResources = TokenBucket.of(1000, 2);
    private final TokenBucket stopResources = TokenBucket.of(1000, 20);

    private static void takeResources(TokenBucket bucket, List<String> ids) {
        if (!bucket.tryTake(Math.max(1, ids.size()))) {
            throw new Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
        }
    }

    synchronized void launchResources(int capacity, double refillPerSecond) {
        this.launchResources = TokenBucket.of(capacity, refillPerSecond);
    }

    /** At most {@code quota} instances not terminated at once, as the account's running-instances quota. */
    synchronized void instanceQuota(int quota) {
        this.instanceQuota = quota;
    }

    /** The next {@code count} launches fail with {@code InsufficientInstanceCapacity}. */
    synchronized void failLaunches(int count) {
        this.capacityFailures = count;
    }

    /** A launch a client token names: what it asked for, and what it launched. */
    private record ClientTokenLaunch(String fingerprint, List<String> instanceIds) {}

    /** Returns each instance's state before the change, for the response's previousState. */
    synchronized List<Ec2Instance[]> stop(List<String> ids) {
        takeResources(stopResources, ids);
        return change(ids, i -> switch (i.state()) {
            case RUNNING, PENDING -> Ec2State.STOPPING;
            case STOPPING, STOPPED -> null;
            default -> throw new Ec2Error("IncorrectInstanceState", "The instance '" + i.instanceId()
                    + "' is not in a state from which it can be stopped.");
        }, Ec2State.STOPPED);
    }

    synchronized List<Ec2Instance[]> start(List<String> ids) {
        takeResources(startResources, ids);
        return change(ids, i -> switch (i.state()) {
            case STOPPED -> Ec2State.PENDING;
            case PENDING, RUNNING -> null;
            default -> throw new Ec2Error("IncorrectInstanceState", "The instance '" + i.instanceId()
                    + "' is not in a state from which it can be started.");
        }, Ec2State.RUNNING);
    }

    synchronized List<Ec2Instance[]> terminate(List<String> ids) {
        takeResources(terminateResources, ids);
        return change(ids, i -> switch (i.state()) {
            case SHUTTING_DOWN, TERMINATED -> null;
            default -> Ec2State.SHUTTING_DOWN;
        }, Ec2State.TERMINATED);
    }

    private List<Ec2Instance[]> change(List<String> ids, java.util.function.Function<Ec2Instance, Ec2State> next,
                                       Ec2State settled) {
        List<Ec2Instance> targets = ids.stream().map(this::get).toList(); // all exist, or nothing changes
        List<Ec2State> nextStates = targets.stream().map(next).toList();
        List<Ec2Instance[]> changes = new ArrayList<>();
        for (int n = 0; n < targets.size(); n++) {
            Ec2Instance before = targets.get(n);
            Ec2State to = nextStates.get(n);
            if (to == null) {
                changes.add(new Ec2Instance[] {before, before});
                continue;
            }
            // A stopped instance gives its public address back; a started one gets a new one.
            String publicIp = switch (to) {
                case PENDING -> nextPublicIp();
                case STOPPING, SHUTTING_DOWN -> before.publicIp();
                default -> null;
            };
            Ec2Instance after = before.withState(to, publicIp);
            instances.put(after.instanceId(), after);
            announce(after);
            later(after.instanceId(), to, settled);
            changes.add(new Ec2Instance[] {before, after});
        }
        save();
        return changes;
    }

    private void later(String id, Ec2State from, Ec2State to) {
        scheduler.schedule(() -> settle(id, from, to), transitionDelay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void settle(String id, Ec2State from, Ec2State to) {
        Ec2Instance i = instances.get(id);
        if (i == null || i.state() != from) {
            return; // something else happened to it meanwhile
        }
        String publicIp = to == Ec2State.RUNNING ? i.publicIp() : null;
        Ec2Instance after = i.withState(to, publicIp);
        instances.put(id, after);
        announce(after);
        save();
    }

    /** The next {@code count} state-change events into {@code state} are lost, as EC2 rarely loses one. */
    synchronized void loseEvents(Ec2State state, int count) {
        toLose.merge(state, count, Integer::sum);
    }

    private void announce(Ec2Instance i) {
        Integer lose = toLose.get(i.state());
        if (lose != null && lose > 0) {
            toLose.put(i.state(), lose - 1);
            return;
        }
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("version", "0");
        event.put("id", UUID.randomUUID().toString());
        event.put("detail-type", "EC2 Instance State-change Notification");
        event.put("source", "aws.ec2");
        event.put("account", ACCOUNT);
        event.put("time", clock.instant().truncatedTo(ChronoUnit.SECONDS).toString());
        event.put("region", region);
        event.putArray("resources").add("arn:aws:ec2:" + region + ":" + ACCOUNT + ":instance/" + i.instanceId());
        event.putObject("detail").put("instance-id", i.instanceId()).put("state", i.state().wireName());
        delivery.deliver(Json.toString(event));
    }

    private String nextPrivateIp() {
        long n = addressCounter++;
        return "10.0." + ((n / 250) % 250) + "." + (n % 250 + 2);
    }

    /** Public addresses come from 198.18.0.0/15, the range set aside for tests (RFC 2544). */
    private String nextPublicIp() {
        long address = 0xC612_0000L + 1 + (addressCounter++ % 131_070);
        return (address >> 24) + "." + ((address >> 16) & 0xff) + "." + ((address >> 8) & 0xff) + "." + (address & 0xff);
    }

    private static String hex(int chars) {
        byte[] bytes = new byte[(chars + 1) / 2];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes).substring(0, chars);
    }

    private record Stored(long addressCounter, List<Ec2Instance> instances, List<NetworkInterface> networkInterfaces,
                          Map<String, ClientTokenLaunch> clientTokens) {}

    private void load() {
        if (storeFile == null || !Files.exists(storeFile)) {
            return;
        }
        try {
            Stored stored = Json.mapper().readValue(storeFile.toFile(), new TypeReference<Stored>() {});
            addressCounter = stored.addressCounter();
            stored.instances().forEach(i -> instances.put(i.instanceId(), i));
            if (stored.clientTokens() != null) {
                clientTokens.putAll(stored.clientTokens());
            }
            if (stored.networkInterfaces() != null) {
                stored.networkInterfaces().forEach(n -> networkInterfaces.put(n.id(), n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the EC2 stand-in's instances from " + storeFile, e);
        }
        // Transitions under way when the stand-in stopped complete now.
        for (Ec2Instance i : instances.values()) {
            switch (i.state()) {
                case PENDING -> later(i.instanceId(), Ec2State.PENDING, Ec2State.RUNNING);
                case STOPPING -> later(i.instanceId(), Ec2State.STOPPING, Ec2State.STOPPED);
                case SHUTTING_DOWN -> later(i.instanceId(), Ec2State.SHUTTING_DOWN, Ec2State.TERMINATED);
                default -> { }
            }
        }
    }

    private void save() {
        if (writer != null) {
            writer.changed();
        }
    }

    private synchronized Stored snapshot() {
        return new Stored(addressCounter, new ArrayList<>(instances.values()), new ArrayList<>(networkInterfaces.values()),
                new LinkedHashMap<>(clientTokens));
    }

    /** Blocks until every change made so far is in the store file: an API call's answer follows its change to disk. */
    void awaitSaved() {
        if (writer != null) {
            writer.awaitWritten();
        }
    }

    /** Writes the last changes and stops writing. */
    void close() {
        if (writer != null) {
            writer.close();
        }
    }

    Instant now() {
        return clock.instant();
    }
}
