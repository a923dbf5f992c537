package dev.elephant.app.runtime;

import dev.elephant.sinks.dns.cloudflare.CloudflareProvider;
import dev.elephant.sinks.dns.plan.OwnershipMark;
import dev.elephant.sinks.dns.provider.HealthTrackingProvider;
import dev.elephant.sinks.dns.ratelimit.RequestBudget;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The DNS provider as every command gets it — {@code run}, {@code dev}, and {@code replay}'s plan alike — so
 * none can skip the request budget: the provider with its cross-cutting decorators around it.
 */
public final class DnsProviders {

    private DnsProviders() {}

    public static HealthTrackingProvider configured(ElephantSettings s, MeterRegistry metrics, Clock clock) {
        ElephantSettings.Cloudflare cf = s.cloudflare();
        Timer rateLimitWait = metrics.timer("elephant.provider.ratelimit.wait", "provider", CloudflareProvider.NAME);
        RequestBudget budget = RequestBudget.perWindow(cf.requestsPer5Minutes(), Duration.ofMinutes(5),
                rateLimitWait::record);
        OwnershipMark mark = new OwnershipMark(s.ownerId());
        return new HealthTrackingProvider(new CloudflareProvider(cf.apiBaseUrl(), cf.zoneId(), cf.token(),
                CloudflareProvider.DEFAULT_PAGE_SIZE, budget, cf.ownershipTags() ? mark.tags() : List.of()), clock);
    }
}
