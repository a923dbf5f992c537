package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.standins.aws.route53.Route53;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The walking skeleton with Route 53 as the provider: the same acceptance, record sets in the AWS stand-in's hosted
 * zone, DNS answered from it once each change is in sync — and a meeting ready only then.
 */
class WalkingSkeletonOnRoute53Test extends WalkingSkeletonTest {

    @Override
    ElephantSettings.DnsProviderKind provider() {
        return ElephantSettings.DnsProviderKind.ROUTE53;
    }

    /** The record sets Elephant or anyone made, without the zone's own (SOA, NS) and without Elephant's marks. */
    @Override
    List<String> providerRecords() {
        return stack.aws().route53().recordSets(stack.hostedZone().id()).stream()
                .filter(s -> !s.type().equals("SOA") && !s.type().equals("NS") && !s.name().startsWith("_elephant-"))
                .map(s -> s.name().substring(0, s.name().length() - 1) + " " + String.join(",", s.values()))
                .sorted().toList();
    }

    @Override
    long providerWriteRequests() {
        return stack.aws().route53().changeRequests();
    }

    /** Each record write is two changes at Route 53: the record set and its mark beside it. */
    @Override
    long providerRecordWrites() {
        return stack.aws().route53().changesApplied() / 2;
    }

    @Test
    @Order(3)
    void everyRecordCarriesItsMarkBesideItAndEveryChangeIsInSyncOnceTheMeetingIsReady() {
        List<Route53.RecordSet> sets = stack.aws().route53().recordSets(stack.hostedZone().id());
        assertThat(sets).filteredOn(s -> s.type().equals("A")).isNotEmpty().allSatisfy(a ->
                assertThat(sets).anySatisfy(mark -> {
                    assertThat(mark.name()).isEqualTo("_elephant-a." + a.name());
                    assertThat(mark.values()).containsExactly("\"managed-by=elephant owner=test\"");
                }));
        assertThat(stack.aws().route53().allInSync()).as("a ready meeting's records are in sync").isTrue();
    }
}
