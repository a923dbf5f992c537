package dev.elephant.sinks.dns.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.elephant.events.DesiredRecord;
import dev.elephant.sinks.dns.provider.ProviderRecord;
import java.util.List;
import org.junit.jupiter.api.Test;

/** DESIGN.md, "Ownership" and "Idempotency", as the planner decides them. */
class DnsPlannerTest {

    private static final String NAME = "i-0123456789abcdef0.elephant.test";
    private final OwnershipMark mark = new OwnershipMark("dev");
    private final DnsPlanner planner = new DnsPlanner(mark, "elephant.test");

    private static DesiredRecord desired(String content) {
        return new DesiredRecord(1, NAME, "A", content, 60, "i-0123456789abcdef0", "evt-1");
    }

    private ProviderRecord owned(String id, String content) {
        return new ProviderRecord(id, NAME, "A", content, 60, mark.text());
    }

    private static ProviderRecord foreign(String id, String content) {
        return new ProviderRecord(id, NAME, "A", content, 300, "made by hand");
    }

    @Test
    void desiredRecordWithNothingAtTheNameIsCreatedWithTheMark() {
        DnsPlan plan = planner.plan(NAME, desired("198.18.0.1"), List.of());
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(DnsPlan.Action.CREATE);
            assertThat(c.spec().mark()).isEqualTo("managed-by=elephant owner=dev");
        });
    }

    @Test
    void sameDesiredStateAsTheProviderPlansNothing() {
        assertThat(planner.plan(NAME, desired("198.18.0.1"), List.of(owned("r1", "198.18.0.1"))).isEmpty()).isTrue();
    }

    @Test
    void changedAddressUpdatesTheOwnedRecord() {
        DnsPlan plan = planner.plan(NAME, desired("198.18.0.2"), List.of(owned("r1", "198.18.0.1")));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(DnsPlan.Action.UPDATE);
            assertThat(c.existing().id()).isEqualTo("r1");
        });
    }

    @Test
    void tombstoneDeletesOnlyOwnedRecords() {
        DnsPlan plan = planner.plan(NAME, null, List.of(owned("r1", "198.18.0.1"), foreign("r2", "192.0.2.1")));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(DnsPlan.Action.DELETE);
            assertThat(c.existing().id()).isEqualTo("r1");
        });
    }

    @Test
    void recordWithoutElephantsMarkIsNeverUpdatedOrDeleted() {
        DnsPlan plan = planner.plan(NAME, desired("198.18.0.1"), List.of(foreign("r2", "192.0.2.1")));
        assertThat(plan.changes()).isEmpty();
        assertThat(plan.refusal()).contains("without Elephant's mark");
    }

    @Test
    void anotherDeploymentsRecordIsNotOurs() {
        ProviderRecord otherOwner = new ProviderRecord("r3", NAME, "A", "192.0.2.1", 60,
                new OwnershipMark("prod").text());
        assertThat(planner.plan(NAME, null, List.of(otherOwner)).changes()).isEmpty();
    }

    @Test
    void duplicateOwnedRecordsAreReducedToOne() {
        DnsPlan plan = planner.plan(NAME, desired("198.18.0.1"),
                List.of(owned("r1", "198.18.0.9"), owned("r2", "198.18.0.1")));
        assertThat(plan.changes()).singleElement().satisfies(c -> {
            assertThat(c.action()).isEqualTo(DnsPlan.Action.DELETE);
            assertThat(c.existing().id()).isEqualTo("r1");
        });
    }

    @Test
    void nameOutsideTheManagedDomainIsRefusedWithoutAnyChange() {
        for (String name : List.of("evil.example.com", "a.b.elephant.test", "elephant.test", "xelephant.test")) {
            DnsPlan plan = planner.plan(name, null, List.of(owned("r1", "198.18.0.1")));
            assertThat(plan.changes()).as(name).isEmpty();
            assertThat(plan.refusal()).as(name).contains("outside the managed domain");
        }
    }
}
