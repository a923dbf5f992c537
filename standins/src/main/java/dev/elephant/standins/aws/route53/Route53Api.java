package dev.elephant.standins.aws.route53;

import com.sun.net.httpserver.HttpExchange;
import dev.elephant.standins.http.Exchanges;
import dev.elephant.standins.http.FaultPlan;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/**
 * Route 53's REST-XML API (version 2013-04-01) on the AWS stand-in's port, as the AWS SDK v2 {@code Route53Client}
 * and the AWS CLI call it: {@code CreateHostedZone}, {@code GetHostedZone}, {@code ListHostedZones},
 * {@code ListHostedZonesByName}, {@code ChangeResourceRecordSets}, {@code ListResourceRecordSets},
 * {@code GetChange}. Source: Amazon Route 53 API Reference (request and response syntax of each action, "Common
 * Errors"); the rules themselves are {@link Route53}'s.
 */
public final class Route53Api {

    public static final String PATH_PREFIX = "/2013-04-01/";
    private static final String NS = "https://route53.amazonaws.com/doc/2013-04-01/";
    private static final String XML = "text/xml";
    private static final int MAX_BODY = 1 << 20;

    private final Route53 route53;
    private final Map<String, AtomicLong> calls = new ConcurrentHashMap<>();
    private volatile FaultPlan faults;
    private volatile Runnable beforeAnsweringAChange;

    public Route53Api(Route53 route53) {
        this.route53 = route53;
    }

    public Route53 route53() {
        return route53;
    }

    /** Random trouble for every request from now on (null: none). */
    public void faults(FaultPlan plan) {
        this.faults = plan;
    }

    /** Runs after a change is applied and before it is answered (a test kills Elephant there). */
    public void beforeAnsweringAChange(Runnable hook) {
        this.beforeAnsweringAChange = hook;
    }

    /** Every request received, throttled and faulted ones included. */
    public long requestCount() {
        return calls.values().stream().mapToLong(AtomicLong::get).sum();
    }

    public long calls(String action) {
        AtomicLong n = calls.get(action);
        return n == null ? 0 : n.get();
    }

    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath().substring(PATH_PREFIX.length());
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        Map<String, String> query = Exchanges.parseForm(exchange.getRequestURI().getRawQuery());
        // Split before decoding: an id written "/hostedzone/Z…" arrives as one segment, its slashes as %2F.
        String[] parts = path.split("/");
        for (int i = 0; i < parts.length; i++) {
            parts[i] = URLDecoder.decode(parts[i], StandardCharsets.UTF_8);
        }
        String action = action(method, parts);
        calls.computeIfAbsent(action, a -> new AtomicLong()).incrementAndGet();
        try {
            if (!route53.admit()) {
                throw new Route53Error(400, "Throttling", "Rate exceeded");
            }
            FaultPlan plan = faults;
            FaultPlan.Fault fault = plan == null ? FaultPlan.Fault.NONE : plan.next();
            if (fault != FaultPlan.Fault.NONE && !(fault == FaultPlan.Fault.APPLIED_THEN_RESET
                    && action.equals("ChangeResourceRecordSets"))) {
                injectFault(exchange, fault, plan);
                return;
            }
            String body = switch (action) {
                case "CreateHostedZone" -> createHostedZone(exchange);
                case "ListHostedZones" -> listHostedZones(query);
                case "ListHostedZonesByName" -> listHostedZonesByName(query);
                case "GetHostedZone" -> getHostedZone(parts[1]);
                case "ChangeResourceRecordSets" -> changeResourceRecordSets(parts[1], exchange);
                case "ListResourceRecordSets" -> listResourceRecordSets(parts[1], query);
                case "GetChange" -> "<GetChangeResponse xmlns=\"" + NS + "\">" + changeInfo(route53.change(parts[1]))
                        + "</GetChangeResponse>";
                default -> throw new Route53Error(404, "UnknownOperationException",
                        "No operation " + method + " " + PATH_PREFIX + path);
            };
            if (action.equals("ChangeResourceRecordSets")) {
                Runnable hook = beforeAnsweringAChange;
                if (hook != null) {
                    hook.run();
                }
                if (fault == FaultPlan.Fault.APPLIED_THEN_RESET) {
                    exchange.close(); // applied, and the connection drops before the answer
                    return;
                }
            }
            respond(exchange, action.equals("CreateHostedZone") ? 201 : 200, body);
        } catch (Route53Error e) {
            respond(exchange, e.status, error(e));
        }
    }

    private static String action(String method, String[] parts) {
        if (parts[0].equals("hostedzone")) {
            if (parts.length == 1) {
                return method.equals("POST") ? "CreateHostedZone" : "ListHostedZones";
            }
            if (parts.length == 2 && method.equals("GET")) {
                return "GetHostedZone";
            }
            if (parts.length == 3 && parts[2].equals("rrset")) {
                return method.equals("POST") ? "ChangeResourceRecordSets" : "ListResourceRecordSets";
            }
        }
        if (parts[0].equals("hostedzonesbyname") && method.equals("GET")) {
            return "ListHostedZonesByName";
        }
        if (parts[0].equals("change") && parts.length == 2 && method.equals("GET")) {
            return "GetChange";
        }
        return "Unknown";
    }

    private String createHostedZone(HttpExchange exchange) throws IOException {
        Element root = parse(exchange, "CreateHostedZoneRequest");
        Element config = child(root, "HostedZoneConfig");
        boolean privateZone = (config != null && "true".equals(text(config, "PrivateZone")))
                || child(root, "VPC") != null;
        Route53.HostedZone zone = route53.createHostedZone(required(root, "Name"), required(root, "CallerReference"),
                privateZone, config == null ? null : text(config, "Comment"));
        exchange.getResponseHeaders().set("Location", "https://route53.amazonaws.com" + PATH_PREFIX + "hostedzone/"
                + zone.id());
        return "<CreateHostedZoneResponse xmlns=\"" + NS + "\">" + hostedZone(zone) + changeInfo(
                new Route53.ChangeInfo("C" + zone.id().substring(1, 14), "INSYNC", java.time.Instant.now(), null))
                + delegationSet() + "</CreateHostedZoneResponse>";
    }

    private String listHostedZones(Map<String, String> query) {
        List<Route53.HostedZone> all = route53.hostedZones();
        int max = maxItems(query, 100);
        String marker = query.get("marker");
        int from = 0;
        if (marker != null) {
            for (int i = 0; i < all.size(); i++) {
                if (all.get(i).id().equals(marker)) {
                    from = i;
                }
            }
        }
        List<Route53.HostedZone> page = all.subList(from, Math.min(all.size(), from + max));
        boolean truncated = from + max < all.size();
        StringBuilder out = new StringBuilder("<ListHostedZonesResponse xmlns=\"" + NS + "\"><HostedZones>");
        page.forEach(z -> out.append(hostedZone(z)));
        out.append("</HostedZones>");
        if (marker != null) {
            out.append(tag("Marker", marker));
        }
        out.append(tag("IsTruncated", String.valueOf(truncated)));
        if (truncated) {
            out.append(tag("NextMarker", all.get(from + max).id()));
        }
        return out.append(tag("MaxItems", String.valueOf(max))).append("</ListHostedZonesResponse>").toString();
    }

    private String listHostedZonesByName(Map<String, String> query) {
        int max = maxItems(query, 100);
        List<Route53.HostedZone> all = route53.hostedZonesByName(query.get("dnsname"));
        List<Route53.HostedZone> page = all.subList(0, Math.min(all.size(), max));
        StringBuilder out = new StringBuilder("<ListHostedZonesByNameResponse xmlns=\"" + NS + "\"><HostedZones>");
        page.forEach(z -> out.append(hostedZone(z)));
        out.append("</HostedZones>");
        if (query.get("dnsname") != null) {
            out.append(tag("DNSName", Route53.absolute(query.get("dnsname"))));
        }
        boolean truncated = all.size() > max;
        out.append(tag("IsTruncated", String.valueOf(truncated)));
        if (truncated) {
            out.append(tag("NextDNSName", all.get(max).name())).append(tag("NextHostedZoneId", all.get(max).id()));
        }
        return out.append(tag("MaxItems", String.valueOf(max))).append("</ListHostedZonesByNameResponse>").toString();
    }

    private String getHostedZone(String id) {
        Route53.HostedZone zone = route53.hostedZone(id).orElseThrow(() -> new Route53Error(404, "NoSuchHostedZone",
                "No hosted zone found with ID: " + id));
        return "<GetHostedZoneResponse xmlns=\"" + NS + "\">" + hostedZone(zone)
                + (zone.privateZone() ? "" : delegationSet()) + "</GetHostedZoneResponse>";
    }

    private String changeResourceRecordSets(String zoneId, HttpExchange exchange) throws IOException {
        Element root = parse(exchange, "ChangeResourceRecordSetsRequest");
        Element batch = child(root, "ChangeBatch");
        if (batch == null || child(batch, "Changes") == null) {
            throw new Route53Error(400, "InvalidInput", "Invalid XML ; ChangeBatch with Changes is required");
        }
        List<Route53.Change> changes = new ArrayList<>();
        for (Element c : children(child(batch, "Changes"), "Change")) {
            String action = required(c, "Action");
            Route53.Action a;
            try {
                a = Route53.Action.valueOf(action);
            } catch (IllegalArgumentException e) {
                throw new Route53Error(400, "InvalidInput", "Invalid XML ; Action must be CREATE, DELETE or UPSERT, "
                        + "not " + action);
            }
            Element set = child(c, "ResourceRecordSet");
            if (set == null) {
                throw new Route53Error(400, "InvalidInput", "Invalid XML ; a Change needs a ResourceRecordSet");
            }
            if (child(set, "AliasTarget") != null || child(set, "SetIdentifier") != null) {
                throw new Route53Error(400, "InvalidInput", "The stand-in does not model alias or routing-policy "
                        + "record sets");
            }
            List<String> values = new ArrayList<>();
            Element records = child(set, "ResourceRecords");
            if (records != null) {
                for (Element r : children(records, "ResourceRecord")) {
                    values.add(required(r, "Value"));
                }
            }
            String ttl = text(set, "TTL");
            long ttlValue;
            try {
                ttlValue = ttl == null ? -1 : Long.parseLong(ttl);
            } catch (NumberFormatException e) {
                throw new Route53Error(400, "InvalidInput", "Invalid XML ; TTL is not a number: " + ttl);
            }
            changes.add(new Route53.Change(a, new Route53.RecordSet(Route53.absolute(required(set, "Name")),
                    required(set, "Type"), ttlValue, values)));
        }
        Route53.ChangeInfo info = route53.change(zoneId, changes, text(batch, "Comment"));
        return "<ChangeResourceRecordSetsResponse xmlns=\"" + NS + "\">" + changeInfo(info)
                + "</ChangeResourceRecordSetsResponse>";
    }

    private String listResourceRecordSets(String zoneId, Map<String, String> query) {
        int max = maxItems(query, Route53.MAX_ITEMS);
        List<Route53.RecordSet> page = route53.list(zoneId, query.get("name"), query.get("type"), max);
        boolean truncated = page.size() > max;
        StringBuilder out = new StringBuilder("<ListResourceRecordSetsResponse xmlns=\"" + NS
                + "\"><ResourceRecordSets>");
        page.stream().limit(max).forEach(s -> out.append(recordSet(s)));
        out.append("</ResourceRecordSets>").append(tag("IsTruncated", String.valueOf(truncated)));
        if (truncated) {
            Route53.RecordSet next = page.get(max);
            out.append(tag("NextRecordName", written(next.name()))).append(tag("NextRecordType", next.type()));
        }
        return out.append(tag("MaxItems", String.valueOf(max))).append("</ListResourceRecordSetsResponse>").toString();
    }

    private static int maxItems(Map<String, String> query, int limit) {
        String max = query.get("maxitems");
        if (max == null) {
            return limit;
        }
        try {
            int n = Integer.parseInt(max);
            if (n < 1) {
                throw new NumberFormatException();
            }
            return Math.min(n, limit);
        } catch (NumberFormatException e) {
            throw new Route53Error(400, "InvalidInput", "maxitems must be a positive number, not " + max);
        }
    }

    private void injectFault(HttpExchange exchange, FaultPlan.Fault fault, FaultPlan plan) throws IOException {
        switch (fault) {
            case SERVER_ERROR -> {
                int status = plan.serverErrorStatus();
                respond(exchange, status, error(new Route53Error(status, status == 503 ? "ServiceUnavailable"
                        : "InternalFailure", "The request processing has failed because of an unknown error.")));
            }
            case RATE_LIMITED -> respond(exchange, 400, error(new Route53Error(400, "Throttling", "Rate exceeded")));
            case TIMEOUT -> plan.holdThenDrop(exchange);
            default -> exchange.close(); // the connection drops, nothing was applied
        }
    }

    private static String hostedZone(Route53.HostedZone z) {
        return "<HostedZone>" + tag("Id", "/hostedzone/" + z.id()) + tag("Name", z.name())
                + tag("CallerReference", z.callerReference()) + "<Config>"
                + (z.comment() == null ? "" : tag("Comment", z.comment()))
                + tag("PrivateZone", String.valueOf(z.privateZone())) + "</Config>"
                + "</HostedZone>";
    }

    private static String delegationSet() {
        return "<DelegationSet><NameServers>" + tag("NameServer", "ns-1.standin.route53")
                + tag("NameServer", "ns-2.standin.route53") + "</NameServers></DelegationSet>";
    }

    private static String changeInfo(Route53.ChangeInfo c) {
        return "<ChangeInfo>" + tag("Id", "/change/" + c.id()) + tag("Status", c.status())
                + tag("SubmittedAt", DateTimeFormatter.ISO_INSTANT.format(c.submittedAt()))
                + (c.comment() == null ? "" : tag("Comment", c.comment())) + "</ChangeInfo>";
    }

    private static String recordSet(Route53.RecordSet s) {
        StringBuilder out = new StringBuilder("<ResourceRecordSet>").append(tag("Name", written(s.name())))
                .append(tag("Type", s.type())).append(tag("TTL", String.valueOf(s.ttl()))).append("<ResourceRecords>");
        s.values().forEach(v -> out.append("<ResourceRecord>").append(tag("Value", v)).append("</ResourceRecord>"));
        return out.append("</ResourceRecords></ResourceRecordSet>").toString();
    }

    /** Route 53 writes {@code *} back as its octal escape. */
    private static String written(String name) {
        return name.replace("*", "\\052");
    }

    /**
     * Route 53's error document. An invalid change batch lists every problem in one message, in brackets, as the
     * service answers it today ({@code aws route53 change-resource-record-sets} prints "An error occurred
     * (InvalidChangeBatch) …: [Tried to create resource record set [name='…', type='A'] but it already exists]").
     */
    private static String error(Route53Error e) {
        return "<ErrorResponse xmlns=\"" + NS + "\"><Error>" + tag("Type", e.status >= 500 ? "Receiver" : "Sender")
                + tag("Code", e.code) + tag("Message", e.getMessage()) + "</Error>"
                + tag("RequestId", UUID.randomUUID().toString()) + "</ErrorResponse>";
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        exchange.getResponseHeaders().set("x-amzn-RequestId", UUID.randomUUID().toString());
        Exchanges.respond(exchange, status, XML, ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + body)
                .getBytes(StandardCharsets.UTF_8));
    }

    private static Element parse(HttpExchange exchange, String rootName) throws IOException {
        byte[] body;
        try {
            body = Exchanges.readBody(exchange, MAX_BODY);
        } catch (IOException e) {
            throw new Route53Error(400, "InvalidInput", "Invalid XML ; the request body is over " + MAX_BODY
                    + " bytes");
        }
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setNamespaceAware(true);
            // No DTDs, no external entities: a request body is data.
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            DocumentBuilder builder = f.newDocumentBuilder();
            builder.setErrorHandler(null);
            Document doc = builder.parse(new ByteArrayInputStream(body));
            Element root = doc.getDocumentElement();
            if (!rootName.equals(root.getLocalName())) {
                throw new Route53Error(400, "InvalidInput", "Invalid XML ; expected " + rootName + ", not "
                        + root.getLocalName());
            }
            return root;
        } catch (SAXException e) {
            throw new Route53Error(400, "InvalidInput", "Invalid XML ; " + e.getMessage());
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && name.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> out = new ArrayList<>();
        NodeList nodes = parent.getChildNodes();
        for (int i = 0; i < nodes.getLength(); i++) {
            if (nodes.item(i) instanceof Element e && name.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    private static String text(Element parent, String name) {
        Element e = child(parent, name);
        return e == null ? null : e.getTextContent();
    }

    private static String required(Element parent, String name) {
        String t = text(parent, name);
        if (t == null || t.isEmpty()) {
            throw new Route53Error(400, "InvalidInput", "Invalid XML ; " + parent.getLocalName() + " needs " + name);
        }
        return t;
    }

    private static String tag(String name, String value) {
        return "<" + name + ">" + escape(value) + "</" + name + ">";
    }

    private static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
