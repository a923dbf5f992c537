package dev.elephant.standins.aws;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import dev.elephant.standins.http.Exchanges;
import dev.elephant.standins.http.TokenBucket;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The EC2 Query API (version 2016-11-15) as the AWS SDK v2 and the AWS CLI speak it: form-encoded
 * POST with {@code Action=…}, XML answers in EC2's namespace, errors in EC2's {@code <Response><Errors>}
 * envelope. Source: Amazon EC2 API Reference, "Query requests" and the RunInstances,
 * DescribeInstances, StopInstances, StartInstances and TerminateInstances actions.
 */
final class Ec2QueryApi implements HttpHandler {

    private static final String NS = "http://ec2.amazonaws.com/doc/2016-11-15/";
    private static final int MAX_BODY = 1 << 20;
    private static final Pattern ID_PARAM = Pattern.compile("InstanceId\\.(\\d+)");
    private static final Pattern ENI_PARAM = Pattern.compile("NetworkInterfaceId\\.(\\d+)");
    private static final Pattern TAG_KEY = Pattern.compile("TagSpecification\\.(\\d+)\\.Tag\\.(\\d+)\\.Key");
    private static final Pattern FILTER_NAME = Pattern.compile("Filter\\.(\\d+)\\.Name");
    private static final Pattern INSTANCE_ID = Pattern.compile("i-[0-9a-f]{8,17}");

    private final Ec2Fleet fleet;
    /** The actions whose changes go to the store file before they are answered. */
    private static final java.util.Set<String> CHANGES_STATE = java.util.Set.of("RunInstances", "StopInstances",
            "StartInstances", "TerminateInstances");

    Ec2QueryApi(Ec2Fleet fleet) {
        this.fleet = fleet;
    }

    private final Map<String, AtomicInteger> throttles = new java.util.concurrent.ConcurrentHashMap<>();

    /** EC2's request buckets, or null for none; the buckets by name, made as requests first need them. */
    private volatile Ec2RequestLimits requestLimits;
    private final Map<String, TokenBucket> requestBuckets = new java.util.concurrent.ConcurrentHashMap<>();

    /** Enforces {@code limits} from now on, every bucket full (null: no request limits). */
    void requestLimits(Ec2RequestLimits limits) {
        requestBuckets.clear();
        this.requestLimits = limits;
    }

    /** Whether the request finds a token in its action's bucket (and takes it). */
    private boolean withinRequestLimits(String action, Map<String, String> params) {
        Ec2RequestLimits limits = requestLimits;
        if (limits == null) {
            return true;
        }
        boolean filteredOrPaginated = params.containsKey("MaxResults") || params.containsKey("NextToken")
                || params.keySet().stream().anyMatch(k -> FILTER_NAME.matcher(k).matches());
        String name = Ec2RequestLimits.bucketOf(action, filteredOrPaginated);
        Ec2RequestLimits.Bucket b = limits.limitsOf(name);
        return requestBuckets.computeIfAbsent(name, n -> TokenBucket.of(b.capacity(), b.refillPerSecond())).tryTake(1);
    }

    private final Map<String, java.util.concurrent.atomic.AtomicLong> calls = new java.util.concurrent.ConcurrentHashMap<>();

    /** How many calls of {@code action} arrived (throttled ones too). */
    long calls(String action) {
        java.util.concurrent.atomic.AtomicLong n = calls.get(action);
        return n == null ? 0 : n.get();
    }

    private final Map<String, java.util.concurrent.atomic.AtomicLong> throttledCalls =
            new java.util.concurrent.ConcurrentHashMap<>();

    /** How many calls of {@code action} were answered RequestLimitExceeded. */
    long throttled(String action) {
        java.util.concurrent.atomic.AtomicLong n = throttledCalls.get(action);
        return n == null ? 0 : n.get();
    }

    /** The next {@code times} calls of {@code action} are throttled. */
    void throttle(String action, int times) {
        throttles.computeIfAbsent(action, a -> new AtomicInteger()).set(times);
    }

    private final Map<String, Runnable> beforeAnswering = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Runs {@code hook} after a call of {@code action} took effect and before its answer leaves (null: none): where
     * a test kills the caller, so that EC2 acted and the caller never heard of it.
     */
    void beforeAnswering(String action, Runnable hook) {
        if (hook == null) {
            beforeAnswering.remove(action);
        } else {
            beforeAnswering.put(action, hook);
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String requestId = UUID.randomUUID().toString();
        String action = "";
        try {
            Map<String, String> params = new LinkedHashMap<>(Exchanges.parseForm(exchange.getRequestURI().getRawQuery()));
            if ("POST".equals(exchange.getRequestMethod())) {
                params.putAll(Exchanges.parseForm(new String(Exchanges.readBody(exchange, MAX_BODY), StandardCharsets.UTF_8)));
            }
            action = params.getOrDefault("Action", "");
            calls.computeIfAbsent(action, a -> new java.util.concurrent.atomic.AtomicLong()).incrementAndGet();
            AtomicInteger throttled = throttles.get(action);
            if (!withinRequestLimits(action, params)) {
                throw new Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
            }
            if (throttled != null && throttled.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                // EC2's throttling answer: HTTP 503, RequestLimitExceeded; the SDK backs off and retries it.
                throw new Ec2Error(503, "RequestLimitExceeded", "Request limit exceeded.");
            }
            String xml = switch (action) {
                case "RunInstances" -> runInstances(params, requestId);
                case "CreateLaunchTemplate" -> createLaunchTemplate(params, requestId);
                case "DescribeInstances" -> describeInstances(params, requestId);
                case "DescribeNetworkInterfaces" -> describeNetworkInterfaces(params, requestId);
                case "StopInstances" -> stateChange("StopInstancesResponse", fleet.stop(instanceIds(params)), requestId);
                case "StartInstances" -> stateChange("StartInstancesResponse", fleet.start(instanceIds(params)), requestId);
                case "TerminateInstances" -> stateChange("TerminateInstancesResponse",
                        fleet.terminate(instanceIds(params)), requestId);
                default -> throw new Ec2Error("InvalidAction", "The action " + action + " is not valid for this web service.");
            };
            // What EC2 answered it keeps, whatever happens to the stand-in after the answer; a read changed nothing
            // and does not wait for the writer.
            if (CHANGES_STATE.contains(action)) {
                fleet.awaitSaved();
            }
            Runnable hook = beforeAnswering.get(action);
            if (hook != null) {
                hook.run();
            }
            Exchanges.respond(exchange, 200, "text/xml;charset=UTF-8", xml.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            // A defect of the stand-in answers as EC2's own would, not as a dropped connection.
            Ec2Error error = e instanceof Ec2Error known ? known
                    : new Ec2Error(500, "InternalError", "An internal error has occurred: " + e);
            if (error.code().equals("RequestLimitExceeded")) {
                throttledCalls.computeIfAbsent(action, a -> new java.util.concurrent.atomic.AtomicLong())
                        .incrementAndGet();
            }
            String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>" + esc(error.code())
                    + "</Code><Message>" + esc(error.getMessage()) + "</Message></Error></Errors><RequestID>" + requestId
                    + "</RequestID></Response>";
            Exchanges.respond(exchange, error.status(), "text/xml;charset=UTF-8", xml.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A launch template's first version: what {@code RunInstances} takes from it. */
    private record LaunchTemplate(String id, String name, String imageId, String instanceType, Map<String, String> tags,
                                  java.time.Instant created) {}

    private final Map<String, LaunchTemplate> templates = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@code CreateLaunchTemplate} with the parts a launch uses (image, instance type, instance tags); names are
     * unique per account and Region. Source: Amazon EC2 API Reference, CreateLaunchTemplate.
     */
    private String createLaunchTemplate(Map<String, String> p, String requestId) {
        String name = require(p, "LaunchTemplateName");
        if (!name.matches("[a-zA-Z0-9().\\-/_]{3,128}")) {
            throw new Ec2Error("InvalidLaunchTemplateName.MalformedException", "The launch template name is invalid: "
                    + name);
        }
        Map<String, String> tags = tags(p, "LaunchTemplateData.TagSpecification.");
        // lt- and 17 hexadecimal digits, as EC2 writes template ids.
        String hex = java.util.HexFormat.of().toHexDigits(java.util.concurrent.ThreadLocalRandom.current().nextLong())
                + Integer.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextInt(16));
        LaunchTemplate t = new LaunchTemplate("lt-" + hex, name,
                p.get("LaunchTemplateData.ImageId"), p.get("LaunchTemplateData.InstanceType"), tags,
                fleet.now());
        synchronized (templates) {
            if (templates.values().stream().anyMatch(x -> x.name().equals(name))) {
                throw new Ec2Error("InvalidLaunchTemplateName.AlreadyExistsException", "Launch template name already "
                        + "in use.");
            }
            templates.put(t.id(), t);
        }
        StringBuilder x = open("CreateLaunchTemplateResponse", requestId);
        x.append("<launchTemplate><launchTemplateId>").append(t.id()).append("</launchTemplateId><launchTemplateName>")
                .append(esc(name)).append("</launchTemplateName><createTime>").append(t.created())
                .append("</createTime><createdBy>arn:aws:iam::").append(Ec2Fleet.ACCOUNT).append(":root</createdBy>")
                .append("<defaultVersionNumber>1</defaultVersionNumber><latestVersionNumber>1</latestVersionNumber>")
                .append("</launchTemplate>");
        return close(x, "CreateLaunchTemplateResponse");
    }

    /** The template a launch names (by id or name), or null when it names none. */
    private LaunchTemplate template(Map<String, String> p) {
        String id = p.get("LaunchTemplate.LaunchTemplateId");
        String name = p.get("LaunchTemplate.LaunchTemplateName");
        if (id == null && name == null) {
            return null;
        }
        String version = p.getOrDefault("LaunchTemplate.Version", "$Default");
        if (!version.equals("$Default") && !version.equals("$Latest") && !version.equals("1")) {
            throw new Ec2Error("InvalidLaunchTemplateId.VersionNotFound", "Could not find launch template version "
                    + version);
        }
        if (id != null) {
            LaunchTemplate t = templates.get(id);
            if (t == null) {
                throw new Ec2Error("InvalidLaunchTemplateId.NotFound", "The specified launch template, with template "
                        + "ID " + id + ", does not exist.");
            }
            return t;
        }
        return templates.values().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() ->
                new Ec2Error("InvalidLaunchTemplateName.NotFoundException", "The specified launch template, with "
                        + "template name " + name + ", does not exist."));
    }

    /** Instance tags of {@code prefix}N.Tag.M.Key/Value where {@code prefix}N.ResourceType is instance. */
    private static Map<String, String> tags(Map<String, String> p, String prefix) {
        Map<String, String> tags = new LinkedHashMap<>();
        Pattern key = Pattern.compile(Pattern.quote(prefix) + "(\\d+)\\.Tag\\.(\\d+)\\.Key");
        for (var e : p.entrySet()) {
            Matcher m = key.matcher(e.getKey());
            if (m.matches() && "instance".equals(p.get(prefix + m.group(1) + ".ResourceType"))) {
                tags.put(e.getValue(), p.getOrDefault(prefix + m.group(1) + ".Tag." + m.group(2) + ".Value", ""));
            }
        }
        return tags;
    }

    private String runInstances(Map<String, String> p, String requestId) {
        LaunchTemplate template = template(p);
        String imageId = p.get("ImageId") != null || template == null || template.imageId() == null
                ? require(p, "ImageId") : template.imageId();
        int min = intParam(p, "MinCount", 1);
        int max = intParam(p, "MaxCount", min);
        if (min < 1 || max < min || max > 100) {
            throw new Ec2Error("InvalidParameterValue", "MinCount and MaxCount must be 1..100 with MinCount <= MaxCount");
        }
        Map<String, String> tags = new LinkedHashMap<>();
        for (var e : p.entrySet()) {
            Matcher m = TAG_KEY.matcher(e.getKey());
            if (m.matches() && "instance".equals(p.get("TagSpecification." + m.group(1) + ".ResourceType"))) {
                tags.put(e.getValue(), p.getOrDefault("TagSpecification." + m.group(1) + ".Tag." + m.group(2) + ".Value", ""));
            }
        }
        if (template != null) {
            Map<String, String> merged = new LinkedHashMap<>(template.tags());
            merged.putAll(tags); // the request's tags win over the template's
            tags = merged;
        }
        String instanceType = p.getOrDefault("InstanceType", template != null && template.instanceType() != null
                ? template.instanceType() : "t3.micro");
        // Everything the request asked for counts in its idempotency check, not only what the stand-in models: a
        // retry with another subnet or key is another request.
        Map<String, String> asked = new java.util.TreeMap<>(p);
        asked.keySet().removeAll(List.of("Action", "Version", "ClientToken"));
        List<Ec2Instance> launched = fleet.run(imageId, instanceType, max, tags, p.get("ClientToken"), asked.toString());
        StringBuilder x = open("RunInstancesResponse", requestId);
        x.append("<reservationId>").append(launched.get(0).reservationId()).append("</reservationId>")
                .append("<ownerId>").append(Ec2Fleet.ACCOUNT).append("</ownerId><groupSet/><instancesSet>");
        launched.forEach(i -> instanceXml(x, i));
        x.append("</instancesSet>");
        return close(x, "RunInstancesResponse");
    }

    private String describeInstances(Map<String, String> p, String requestId) {
        List<String> ids = instanceIdsOrEmpty(p);
        ids.forEach(fleet::get); // unknown ids are an error, as on EC2
        Predicate<Ec2Instance> filter = i -> ids.isEmpty() || ids.contains(i.instanceId());
        for (var e : p.entrySet()) {
            Matcher m = FILTER_NAME.matcher(e.getKey());
            if (m.matches()) {
                filter = filter.and(filter(e.getValue(), values(p, "Filter." + m.group(1) + ".Value.")));
            }
        }
        // An instance-id filter names its candidates: look them up rather than test the whole fleet (a lookup of
        // 100 ids over a fleet of 125,000 instances otherwise costs the stand-in more than Elephant's whole call).
        List<String> named = null;
        for (var e : p.entrySet()) {
            Matcher m = FILTER_NAME.matcher(e.getKey());
            if (m.matches() && e.getValue().equals("instance-id")) {
                named = values(p, "Filter." + m.group(1) + ".Value.");
            }
        }
        List<Ec2Instance> candidates = named == null ? fleet.all() : fleet.existing(named);
        List<Ec2Instance> matching = candidates.stream().filter(filter).toList();
        int max = intParam(p, "MaxResults", Integer.MAX_VALUE);
        if (p.containsKey("MaxResults") && (max < 5 || max > 1000)) {
            throw new Ec2Error("InvalidParameterValue", "MaxResults must be between 5 and 1000");
        }
        int from = p.containsKey("NextToken") ? parseToken(p.get("NextToken")) : 0;
        int to = (int) Math.min((long) from + max, matching.size());
        StringBuilder x = open("DescribeInstancesResponse", requestId);
        x.append("<reservationSet>");
        for (Ec2Instance i : matching.subList(Math.min(from, matching.size()), to)) {
            x.append("<item><reservationId>").append(i.reservationId()).append("</reservationId><ownerId>")
                    .append(Ec2Fleet.ACCOUNT).append("</ownerId><groupSet/><instancesSet>");
            instanceXml(x, i);
            x.append("</instancesSet></item>");
        }
        x.append("</reservationSet>");
        if (to < matching.size()) {
            x.append("<nextToken>").append(to).append("</nextToken>");
        }
        return close(x, "DescribeInstancesResponse");
    }

    private static int parseToken(String token) {
        try {
            return Integer.parseInt(token);
        } catch (NumberFormatException e) {
            throw new Ec2Error("InvalidParameterValue", "Invalid NextToken");
        }
    }

    /**
     * By {@code NetworkInterfaceId.N} (an unknown one fails the call with {@code InvalidNetworkInterfaceID.NotFound})
     * or by the {@code network-interface-id} filter (unknown ones are left out), as the EC2 API Reference's
     * DescribeNetworkInterfaces has them; the stand-in knows no other filter and says so.
     */
    private String describeNetworkInterfaces(Map<String, String> p, String requestId) {
        List<NetworkInterface> found = new ArrayList<>();
        for (var e : p.entrySet()) {
            if (ENI_PARAM.matcher(e.getKey()).matches()) {
                found.add(fleet.networkInterface(e.getValue()));
            }
        }
        for (var e : p.entrySet()) {
            Matcher m = FILTER_NAME.matcher(e.getKey());
            if (!m.matches()) {
                continue;
            }
            if (!e.getValue().equals("network-interface-id")) {
                throw new Ec2Error("InvalidParameterValue", "The filter '" + e.getValue()
                        + "' is not one this EC2 stand-in serves for DescribeNetworkInterfaces (network-interface-id)");
            }
            for (String id : values(p, "Filter." + m.group(1) + ".Value.")) {
                NetworkInterface eni = fleet.networkInterfaceIfKnown(id);
                if (eni != null && !found.contains(eni)) {
                    found.add(eni);
                }
            }
        }
        StringBuilder x = open("DescribeNetworkInterfacesResponse", requestId);
        x.append("<networkInterfaceSet>");
        for (NetworkInterface n : found) {
            x.append("<item><networkInterfaceId>").append(n.id()).append("</networkInterfaceId>")
                    .append("<subnetId>subnet-0a1b2c3d</subnetId><vpcId>vpc-0a1b2c3d</vpcId>")
                    .append("<availabilityZone>us-east-1a</availabilityZone><description/>")
                    .append("<ownerId>").append(Ec2Fleet.ACCOUNT).append("</ownerId>")
                    .append("<requesterManaged>true</requesterManaged><status>in-use</status>")
                    .append("<privateIpAddress>").append(n.privateIp()).append("</privateIpAddress>")
                    .append("<sourceDestCheck>true</sourceDestCheck><groupSet/><interfaceType>interface</interfaceType>");
            if (n.publicIp() != null) {
                x.append("<association><publicIp>").append(n.publicIp())
                        .append("</publicIp><ipOwnerId>amazon</ipOwnerId></association>");
            }
            x.append("<tagSet>");
            n.tags().forEach((k, v) -> x.append("<item><key>").append(esc(k)).append("</key><value>").append(esc(v))
                    .append("</value></item>"));
            x.append("</tagSet>");
            x.append("<privateIpAddressesSet><item><privateIpAddress>").append(n.privateIp())
                    .append("</privateIpAddress><primary>true</primary></item></privateIpAddressesSet></item>");
        }
        x.append("</networkInterfaceSet>");
        return close(x, "DescribeNetworkInterfacesResponse");
    }

    private static Predicate<Ec2Instance> filter(String name, List<String> values) {
        if (name.startsWith("tag:")) {
            String key = name.substring(4);
            return i -> i.tags().containsKey(key) && values.contains(i.tags().get(key));
        }
        return switch (name) {
            case "instance-id" -> i -> values.contains(i.instanceId());
            case "tag-key" -> i -> values.stream().anyMatch(i.tags()::containsKey);
            case "instance-state-name" -> i -> values.contains(i.state().wireName());
            default -> throw new Ec2Error("InvalidParameterValue", "The filter '" + name + "' is invalid");
        };
    }

    private static List<String> values(Map<String, String> p, String prefix) {
        List<String> values = new ArrayList<>();
        for (int n = 1; p.containsKey(prefix + n); n++) {
            values.add(p.get(prefix + n));
        }
        return values;
    }

    private String stateChange(String response, List<Ec2Instance[]> changes, String requestId) {
        StringBuilder x = open(response, requestId);
        x.append("<instancesSet>");
        for (Ec2Instance[] c : changes) {
            x.append("<item><instanceId>").append(c[1].instanceId()).append("</instanceId>");
            state(x, "currentState", c[1]);
            state(x, "previousState", c[0]);
            x.append("</item>");
        }
        x.append("</instancesSet>");
        return close(x, response);
    }

    private static List<String> instanceIds(Map<String, String> p) {
        List<String> ids = instanceIdsOrEmpty(p);
        if (ids.isEmpty()) {
            throw new Ec2Error("MissingParameter", "The request must contain the parameter InstanceId");
        }
        return ids;
    }

    private static List<String> instanceIdsOrEmpty(Map<String, String> p) {
        List<String> ids = new ArrayList<>();
        for (String key : p.keySet()) {
            if (ID_PARAM.matcher(key).matches()) {
                String id = p.get(key);
                if (!INSTANCE_ID.matcher(id).matches()) {
                    throw new Ec2Error("InvalidInstanceID.Malformed", "Invalid id: \"" + id + "\"");
                }
                ids.add(id);
            }
        }
        return ids;
    }

    private static void instanceXml(StringBuilder x, Ec2Instance i) {
        x.append("<item><instanceId>").append(i.instanceId()).append("</instanceId>")
                .append("<imageId>").append(esc(i.imageId())).append("</imageId>");
        state(x, "instanceState", i);
        x.append("<privateDnsName>ip-").append(i.privateIp().replace('.', '-')).append(".ec2.internal</privateDnsName>")
                .append("<dnsName/>")
                .append("<amiLaunchIndex>0</amiLaunchIndex><productCodes/>")
                .append("<instanceType>").append(esc(i.instanceType())).append("</instanceType>")
                .append("<launchTime>").append(i.launchTime()).append("</launchTime>")
                .append("<placement><availabilityZone>us-east-1a</availabilityZone><tenancy>default</tenancy></placement>")
                .append("<monitoring><state>disabled</state></monitoring>")
                .append("<privateIpAddress>").append(i.privateIp()).append("</privateIpAddress>");
        if (i.publicIp() != null) {
            x.append("<ipAddress>").append(i.publicIp()).append("</ipAddress>");
        }
        x.append("<architecture>x86_64</architecture><rootDeviceType>ebs</rootDeviceType>");
        if (!i.tags().isEmpty()) {
            x.append("<tagSet>");
            i.tags().forEach((k, v) -> x.append("<item><key>").append(esc(k)).append("</key><value>").append(esc(v))
                    .append("</value></item>"));
            x.append("</tagSet>");
        }
        x.append("</item>");
    }

    private static void state(StringBuilder x, String element, Ec2Instance i) {
        x.append('<').append(element).append("><code>").append(i.state().code()).append("</code><name>")
                .append(i.state().wireName()).append("</name></").append(element).append('>');
    }

    private static StringBuilder open(String response, String requestId) {
        return new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<").append(response)
                .append(" xmlns=\"").append(NS).append("\"><requestId>").append(requestId).append("</requestId>");
    }

    private static String close(StringBuilder x, String response) {
        return x.append("</").append(response).append('>').toString();
    }

    private static String require(Map<String, String> p, String name) {
        String v = p.get(name);
        if (v == null || v.isEmpty()) {
            throw new Ec2Error("MissingParameter", "The request must contain the parameter " + name);
        }
        return v;
    }

    private static int intParam(Map<String, String> p, String name, int otherwise) {
        String v = p.get(name);
        if (v == null) {
            return otherwise;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new Ec2Error("InvalidParameterValue", "Value (" + v + ") for parameter " + name + " is invalid.");
        }
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
