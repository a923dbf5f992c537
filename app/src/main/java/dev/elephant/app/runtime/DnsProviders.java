package dev.elephant.app.runtime;

import dev.elephant.sinks.dns.cloudflare.CloudflareProvider;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.DnsProvider;
import dev.elephant.sinks.dns.provider.HealthTrackingProvider;
import dev.elephant.sinks.dns.provider.OwnershipGate;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import dev.elephant.sinks.dns.route53.Route53Budget;
import dev.elephant.sinks.dns.route53.Route53Provider;
import dev.elephant.topology.common.TopologyConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.HostedZone;

/**
 * The DNS provider as every command gets it — {@code run}, {@code dev}, and {@code replay}'s plan alike — so
 * none can skip the request budget or the ownership gate: the configured provider (Cloudflare or Route 53) with
 * its cross-cutting decorators around it, the same for both.
 */
public final class DnsProviders {

    private static final Duration ROUTE53_CALL_TIMEOUT = Duration.ofSeconds(15);

    private DnsProviders() {}

    /**
     * @param closer closes what the provider holds open (the Route 53 client)
     */
    public static HealthTrackingProvider configured(ElephantSettings s, MeterRegistry metrics, Clock clock,
                                                    Closer closer) {
        return gated(unguarded(s, metrics, closer), new OwnershipMark(s.ownerId()).text(), clock);
    }

    /**
     * The configured provider with its request budget and nothing else: to be {@link #gated} once per writer, each
     * on its own mark (the DNS sink on the instance records', the certificate manager on the challenge records'),
     * sharing one budget.
     */
    static DnsProvider unguarded(ElephantSettings s, MeterRegistry metrics, Closer closer) {
        OwnershipMark mark = new OwnershipMark(s.ownerId());
        return switch (s.dns().provider()) {
            case CLOUDFLARE -> cloudflare(s, metrics, mark);
            case ROUTE53 -> route53(s, metrics, closer);
        };
    }

    /** {@code provider} writing only records that carry {@code mark}, its failures tracked for health. */
    static HealthTrackingProvider gated(DnsProvider provider, String mark, Clock clock) {
        return new HealthTrackingProvider(new OwnershipGate(provider, mark), clock);
    }

    private static DnsProvider cloudflare(ElephantSettings s, MeterRegistry metrics, OwnershipMark mark) {
        ElephantSettings.Cloudflare cf = s.cloudflare();
        Timer rateLimitWait = metrics.timer("elephant.provider.ratelimit.wait", "provider", CloudflareProvider.NAME);
        // A fifth of the window's requests at once (a class start's burst of changes, in batches), the rest paced over
        // the 5 minutes: a steady flow of changes never spends the window early and then waits out the rest of it.
        RequestBudget budget = RequestBudget.spread(cf.requestsPer5Minutes(), Duration.ofMinutes(5),
                Math.max(1, cf.requestsPer5Minutes() / 5), rateLimitWait::record);
        budget.bindMetrics(metrics, CloudflareProvider.NAME);
        return new CloudflareProvider(cf.apiBaseUrl(), cf.zoneId(), cf.token(), CloudflareProvider.DEFAULT_PAGE_SIZE,
                budget, cf.ownershipTags() ? mark.tags() : List.of());
    }

    /**
     * The SDK client retries nothing itself: a throttled or failed call goes back to the sink, which retries with
     * backoff, and every request (each page, each {@code GetChange}) is spent from Elephant's budget first.
     */
    private static DnsProvider route53(ElephantSettings s, MeterRegistry metrics, Closer closer) {
        ElephantSettings.Route53 r53 = s.route53();
        Timer rateLimitWait = metrics.timer("elephant.provider.ratelimit.wait", "provider", Route53Provider.NAME);
        RequestBudget budget = RequestBudget.perWindow(r53.requestsPerSecond(), Duration.ofSeconds(1),
                rateLimitWait::record);
        budget.bindMetrics(metrics, Route53Provider.NAME);
        // Route 53 is a global service: its endpoint and signing region are aws-global, whatever the instances' region.
        ElephantSettings.Aws aws = s.aws().endpoint() == null
                ? new ElephantSettings.Aws(Region.AWS_GLOBAL.id(), null, s.aws().local(), s.aws().describeBucket(),
                        s.aws().describeRefillPerSecond()) : s.aws();
        Route53Client client = closer.register(AwsClients.build(Route53Client.builder(), aws, ROUTE53_CALL_TIMEOUT,
                o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()).addExecutionInterceptor(new Route53Budget(budget))));
        boolean privateZone = s.topology().address() == TopologyConfig.AddressKind.PRIVATE;
        HostedZone zone = Route53Provider.findZone(client, r53.hostedZoneId(), s.topology().domain(), privateZone);
        return new Route53Provider(client, zone.id());
    }
}
