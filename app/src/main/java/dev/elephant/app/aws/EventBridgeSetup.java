package dev.elephant.app.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.elephant.events.Json;
import java.io.IOException;
import java.net.URI;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.eventbridge.model.ApiDestinationHttpMethod;
import software.amazon.awssdk.services.eventbridge.model.ConnectionAuthorizationType;
import software.amazon.awssdk.services.eventbridge.model.DescribeApiDestinationResponse;
import software.amazon.awssdk.services.eventbridge.model.DescribeConnectionResponse;
import software.amazon.awssdk.services.eventbridge.model.DescribeRuleResponse;
import software.amazon.awssdk.services.eventbridge.model.PutTargetsResponse;
import software.amazon.awssdk.services.eventbridge.model.ResourceNotFoundException;
import software.amazon.awssdk.services.eventbridge.model.RuleState;
import software.amazon.awssdk.services.eventbridge.model.Target;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * What {@code elephant aws install} sets up so that EventBridge delivers EC2 (and ECS) state changes
 * to Elephant: the ingest key in Secrets Manager, a connection (API key auth), an API destination, a
 * rule per source and the rule's target. Each resource is described first and only created or
 * updated when it differs from what Elephant needs, so a second run changes nothing; a dry run only
 * describes. Rules match {@code source}, {@code detail-type} and the states Elephant acts on — never
 * {@code detail.tags}, which EC2's events do not carry (the project filter applies after the lookup).
 */
public final class EventBridgeSetup {

    /** The EC2 states Elephant acts on: all of them, since each moves the record or the meeting. */
    static final List<String> EC2_STATES = List.of("pending", "running", "stopping", "stopped", "shutting-down",
            "terminated");
    static final String TARGET_ID = "elephant-api-destination";
    /** Where the ingest key lives unless told otherwise; {@code elephant dev} keeps its own key there. */
    public static final String DEFAULT_KEY_SECRET = "elephant/ingest-key";

    public record Options(String namePrefix, String eventBus, URI apiDestinationUrl, String keyHeader,
                          String keySecret, int invocationRatePerSecond, String roleArn, int maximumRetryAttempts,
                          int maximumEventAgeSeconds, String deadLetterArn, List<String> ecsClusters) {
        public Options {
            Objects.requireNonNull(apiDestinationUrl, "the API destination URL");
            Objects.requireNonNull(roleArn, "the role ARN");
            ecsClusters = List.copyOf(ecsClusters);
        }
    }

    public enum Action { CREATE, UPDATE, UNCHANGED }

    /** One resource and what the run does (or, dry, would do) to it. */
    public record Step(Action action, String resource, String name, String detail) {
        @Override
        public String toString() {
            return String.format("%-9s %-16s %s%s", action.name().toLowerCase(java.util.Locale.ROOT), resource, name,
                    detail == null ? "" : "  (" + detail + ")");
        }
    }

    private final EventBridgeClient events;
    private final SecretsManagerClient secrets;
    private final Options o;
    private final boolean dryRun;
    private final List<Step> steps = new ArrayList<>();
    /** The ingest key the connection sends: read from, or just stored in, Secrets Manager. */
    private String key;

    private EventBridgeSetup(EventBridgeClient events, SecretsManagerClient secrets, Options o, boolean dryRun) {
        this.events = events;
        this.secrets = secrets;
        this.o = o;
        this.dryRun = dryRun;
    }

    /** Brings EventBridge to what Elephant needs (or, with {@code dryRun}, says what that would take). */
    public static List<Step> run(EventBridgeClient events, SecretsManagerClient secrets, Options o, boolean dryRun) {
        EventBridgeSetup setup = new EventBridgeSetup(events, secrets, o, dryRun);
        setup.all();
        return List.copyOf(setup.steps);
    }

    private void all() {
        boolean newKey = ingestKey();
        String connectionArn = connection(newKey);
        String destinationArn = apiDestination(connectionArn);
        rule(o.namePrefix() + "-ec2", ec2Pattern(), destinationArn);
        if (!o.ecsClusters().isEmpty()) {
            rule(o.namePrefix() + "-ecs", ecsPattern(), destinationArn);
        }
    }

    /** @return true when the key was made just now (the connection must then be given it) */
    private boolean ingestKey() {
        Optional<String> stored = readSecret(o.keySecret());
        if (stored.isPresent()) {
            key = stored.get();
            steps.add(new Step(Action.UNCHANGED, "ingest key", o.keySecret(), "Secrets Manager"));
            return false;
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        key = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        if (!dryRun) {
            secrets.createSecret(r -> r.name(o.keySecret()).secretString(key)
                    .description("Elephant's ingest key: EventBridge's connection sends it, Elephant checks it"));
        }
        steps.add(new Step(Action.CREATE, "ingest key", o.keySecret(), "generated, stored in Secrets Manager"));
        return true;
    }

    private Optional<String> readSecret(String id) {
        try {
            return Optional.ofNullable(secrets.getSecretValue(r -> r.secretId(id)).secretString());
        } catch (software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    private String connection(boolean newKey) {
        String name = o.namePrefix() + "-connection";
        DescribeConnectionResponse current;
        try {
            current = events.describeConnection(r -> r.name(name));
        } catch (ResourceNotFoundException e) {
            current = null;
        }
        var auth = software.amazon.awssdk.services.eventbridge.model.CreateConnectionAuthRequestParameters.builder()
                .apiKeyAuthParameters(k -> k.apiKeyName(o.keyHeader()).apiKeyValue(key)).build();
        if (current == null) {
            steps.add(new Step(Action.CREATE, "connection", name, "API key in header " + o.keyHeader()));
            return dryRun ? "(connection to be created)" : events.createConnection(r -> r.name(name)
                    .authorizationType(ConnectionAuthorizationType.API_KEY).authParameters(auth)
                    .description("Elephant ingest")).connectionArn();
        }
        String header = current.authParameters() == null || current.authParameters().apiKeyAuthParameters() == null
                ? null : current.authParameters().apiKeyAuthParameters().apiKeyName();
        if (newKey || current.authorizationType() != ConnectionAuthorizationType.API_KEY
                || !o.keyHeader().equals(header)) {
            steps.add(new Step(Action.UPDATE, "connection", name, newKey ? "new ingest key" : "API key header "
                    + o.keyHeader()));
            if (!dryRun) {
                var update = software.amazon.awssdk.services.eventbridge.model.UpdateConnectionAuthRequestParameters
                        .builder().apiKeyAuthParameters(k -> k.apiKeyName(o.keyHeader()).apiKeyValue(key)).build();
                events.updateConnection(r -> r.name(name).authorizationType(ConnectionAuthorizationType.API_KEY)
                        .authParameters(update));
            }
        } else {
            steps.add(new Step(Action.UNCHANGED, "connection", name, null));
        }
        return current.connectionArn();
    }

    private String apiDestination(String connectionArn) {
        String name = o.namePrefix() + "-destination";
        DescribeApiDestinationResponse current;
        try {
            current = events.describeApiDestination(r -> r.name(name));
        } catch (ResourceNotFoundException e) {
            current = null;
        }
        String endpoint = o.apiDestinationUrl().toString();
        if (current == null) {
            steps.add(new Step(Action.CREATE, "api destination", name, "POST " + endpoint + ", at most "
                    + o.invocationRatePerSecond() + "/s"));
            return dryRun ? "(api destination to be created)" : events.createApiDestination(r -> r.name(name)
                    .connectionArn(connectionArn).invocationEndpoint(endpoint).httpMethod(ApiDestinationHttpMethod.POST)
                    .invocationRateLimitPerSecond(o.invocationRatePerSecond())
                    .description("Elephant ingest")).apiDestinationArn();
        }
        List<String> differences = new ArrayList<>();
        if (!endpoint.equals(current.invocationEndpoint())) {
            differences.add("endpoint " + endpoint);
        }
        if (current.httpMethod() != ApiDestinationHttpMethod.POST) {
            differences.add("method POST");
        }
        if (!Objects.equals(current.invocationRateLimitPerSecond(), o.invocationRatePerSecond())) {
            differences.add("at most " + o.invocationRatePerSecond() + "/s");
        }
        if (!connectionArn.equals(current.connectionArn()) && !dryRun) {
            differences.add("connection " + connectionArn);
        }
        if (differences.isEmpty()) {
            steps.add(new Step(Action.UNCHANGED, "api destination", name, null));
        } else {
            steps.add(new Step(Action.UPDATE, "api destination", name, String.join(", ", differences)));
            if (!dryRun) {
                events.updateApiDestination(r -> r.name(name).connectionArn(connectionArn).invocationEndpoint(endpoint)
                        .httpMethod(ApiDestinationHttpMethod.POST)
                        .invocationRateLimitPerSecond(o.invocationRatePerSecond()));
            }
        }
        return current.apiDestinationArn();
    }

    private void rule(String name, JsonNode pattern, String destinationArn) {
        DescribeRuleResponse current;
        try {
            current = events.describeRule(r -> r.name(name).eventBusName(o.eventBus()));
        } catch (ResourceNotFoundException e) {
            current = null;
        }
        boolean same = current != null && current.state() == RuleState.ENABLED && samePattern(current.eventPattern(),
                pattern);
        if (same) {
            steps.add(new Step(Action.UNCHANGED, "rule", name, null));
        } else {
            steps.add(new Step(current == null ? Action.CREATE : Action.UPDATE, "rule", name, pattern.toString()));
            if (!dryRun) {
                events.putRule(r -> r.name(name).eventBusName(o.eventBus()).eventPattern(pattern.toString())
                        .state(RuleState.ENABLED).description("State changes for Elephant"));
            }
        }
        target(name, current == null, destinationArn);
    }

    private void target(String rule, boolean ruleIsNew, String destinationArn) {
        Target wanted = Target.builder().id(TARGET_ID).arn(destinationArn).roleArn(o.roleArn())
                .retryPolicy(p -> p.maximumRetryAttempts(o.maximumRetryAttempts())
                        .maximumEventAgeInSeconds(o.maximumEventAgeSeconds()))
                .deadLetterConfig(o.deadLetterArn() == null ? null
                        : software.amazon.awssdk.services.eventbridge.model.DeadLetterConfig.builder()
                        .arn(o.deadLetterArn()).build())
                .build();
        Target current = ruleIsNew && dryRun ? null : events.listTargetsByRule(r -> r.rule(rule)
                        .eventBusName(o.eventBus())).targets().stream()
                .filter(t -> TARGET_ID.equals(t.id())).findFirst().orElse(null);
        String what = "retries " + o.maximumRetryAttempts() + ", max age " + o.maximumEventAgeSeconds() + " s"
                + (o.deadLetterArn() == null ? "" : ", dead letters to " + o.deadLetterArn());
        if (current != null && sameTarget(current, wanted)) {
            steps.add(new Step(Action.UNCHANGED, "target", rule + "/" + TARGET_ID, null));
            return;
        }
        steps.add(new Step(current == null ? Action.CREATE : Action.UPDATE, "target", rule + "/" + TARGET_ID, what));
        if (!dryRun) {
            PutTargetsResponse put = events.putTargets(r -> r.rule(rule).eventBusName(o.eventBus()).targets(wanted));
            if (put.failedEntryCount() != null && put.failedEntryCount() > 0) {
                throw new IllegalStateException("EventBridge refused the target of rule " + rule + ": "
                        + put.failedEntries());
            }
        }
    }

    private static boolean sameTarget(Target a, Target b) {
        return Objects.equals(a.arn(), b.arn()) && Objects.equals(a.roleArn(), b.roleArn())
                && Objects.equals(a.retryPolicy(), b.retryPolicy())
                && Objects.equals(a.deadLetterConfig() == null ? null : a.deadLetterConfig().arn(),
                b.deadLetterConfig() == null ? null : b.deadLetterConfig().arn());
    }

    private static boolean samePattern(String current, JsonNode wanted) {
        try {
            return current != null && Json.mapper().readTree(current).equals(wanted);
        } catch (IOException e) {
            return false;
        }
    }

    static JsonNode ec2Pattern() {
        ObjectNode p = Json.mapper().createObjectNode();
        p.putArray("source").add("aws.ec2");
        p.putArray("detail-type").add("EC2 Instance State-change Notification");
        ArrayNode states = p.putObject("detail").putArray("state");
        EC2_STATES.forEach(states::add);
        return p;
    }

    JsonNode ecsPattern() {
        ObjectNode p = Json.mapper().createObjectNode();
        p.putArray("source").add("aws.ecs");
        p.putArray("detail-type").add("ECS Task State Change");
        ArrayNode clusters = p.putObject("detail").putArray("clusterArn");
        o.ecsClusters().forEach(clusters::add);
        return p;
    }
}
