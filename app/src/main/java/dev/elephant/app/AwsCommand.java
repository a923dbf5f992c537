package dev.elephant.app;

import dev.elephant.app.aws.EventBridgeSetup;
import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.eventbridge.EventBridgeClient;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** {@code elephant aws …}: setting AWS up for Elephant. */
@Command(name = "aws", mixinStandardHelpOptions = true, description = "Sets AWS up for Elephant.",
        subcommands = AwsCommand.Install.class)
final class AwsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getOut());
        return 2;
    }

    @Command(name = "install", mixinStandardHelpOptions = true,
            description = {"Creates or updates what makes EventBridge deliver EC2 (and ECS) state changes to Elephant:",
                "the ingest key in Secrets Manager, a connection (API key), an API destination, a rule per source",
                "and its target. Run it again at any time: what already matches is left as it is."})
    static final class Install implements Callable<Integer> {

        @Spec
        CommandSpec spec;

        @Option(names = "--api-destination-url", required = true, defaultValue = "${env:ELEPHANT_API_DESTINATION_URL}",
                description = "Elephant's ingest endpoint as EventBridge reaches it, https://…/v1/eventbridge.")
        URI url;

        @Option(names = "--role-arn", required = true, defaultValue = "${env:ELEPHANT_EVENTBRIDGE_ROLE_ARN}",
                description = "IAM role EventBridge assumes to invoke the API destination (events:InvokeApiDestination).")
        String roleArn;

        @Option(names = "--region", defaultValue = "${env:AWS_REGION:-us-east-1}", description = "AWS region (default: ${DEFAULT-VALUE}).")
        String region;

        @Option(names = "--endpoint", defaultValue = "${env:ELEPHANT_AWS_ENDPOINT}",
                description = "Endpoint override for EventBridge and Secrets Manager (the local stand-in: http://127.0.0.1:4566).")
        URI endpoint;

        @Option(names = "--name-prefix", defaultValue = "elephant", description = "Prefix of every resource's name (default: ${DEFAULT-VALUE}).")
        String prefix;

        @Option(names = "--event-bus", defaultValue = "default", description = "The bus EC2 and ECS events arrive on (default: ${DEFAULT-VALUE}).")
        String bus;

        @Option(names = "--ingest-key-header", defaultValue = "${env:ELEPHANT_INGEST_KEY_HEADER:-X-Elephant-Key}",
                description = "The header the connection sends the key in (default: ${DEFAULT-VALUE}).")
        String keyHeader;

        @Option(names = "--ingest-key-secret", defaultValue = EventBridgeSetup.DEFAULT_KEY_SECRET,
                description = "Secrets Manager secret holding the ingest key; generated and stored when missing (default: ${DEFAULT-VALUE}).")
        String keySecret;

        @Option(names = "--invocation-rate", defaultValue = "300", description = "Most deliveries per second (default: ${DEFAULT-VALUE}).")
        int rate;

        @Option(names = "--max-retries", defaultValue = "185", description = "EventBridge's retries of a delivery (default: ${DEFAULT-VALUE}).")
        int retries;

        @Option(names = "--max-event-age", defaultValue = "86400", description = "Seconds EventBridge keeps retrying an event (default: ${DEFAULT-VALUE}).")
        int maxAge;

        @Option(names = "--dead-letter-arn", description = "SQS queue for events EventBridge gave up on.")
        String deadLetterArn;

        @Option(names = "--ecs-cluster", description = "Also deliver ECS task state changes of this cluster (ARN; repeatable).")
        List<String> ecsClusters = List.of();

        @Option(names = "--dry-run", description = "Print what would be created or updated; change nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (!"https".equals(url.getScheme()) && endpoint == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--api-destination-url must be https: EventBridge invokes only HTTPS API destinations");
            }
            if (rate < 1 || rate > 300) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--invocation-rate must be 1..300 per second");
            }
            EventBridgeSetup.Options options = new EventBridgeSetup.Options(prefix, bus, url, keyHeader, keySecret, rate,
                    roleArn, retries, maxAge, deadLetterArn, ecsClusters);
            var events = EventBridgeClient.builder().region(Region.of(region))
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    .httpClientBuilder(ApacheHttpClient.builder());
            var secrets = SecretsManagerClient.builder().region(Region.of(region))
                    .credentialsProvider(DefaultCredentialsProvider.builder().build())
                    .httpClientBuilder(ApacheHttpClient.builder());
            if (endpoint != null) {
                events.endpointOverride(endpoint);
                secrets.endpointOverride(endpoint);
            }
            List<EventBridgeSetup.Step> steps;
            try (EventBridgeClient eb = events.build(); SecretsManagerClient sm = secrets.build()) {
                steps = EventBridgeSetup.run(eb, sm, options, dryRun);
            } catch (SdkException e) {
                spec.commandLine().getErr().println("elephant aws install: " + e.getMessage());
                return 1;
            }
            out.println(dryRun ? "Plan (dry run, nothing changed):" : "EventBridge → " + url + ":");
            steps.forEach(s -> out.println("  " + s));
            boolean unchanged = steps.stream().allMatch(s -> s.action() == EventBridgeSetup.Action.UNCHANGED);
            if (unchanged) {
                out.println("Nothing to change: EventBridge already delivers to Elephant as configured.");
            }
            out.flush();
            return 0;
        }
    }
}
