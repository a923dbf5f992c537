package dev.elephant.sinks.dns.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The last check before a write leaves Elephant: only records with this deployment's mark are written. */
class OwnershipGateTest {

    private static final String MARK = "managed-by=elephant owner=prod";

    private final List<RecordBatch> sent = new ArrayList<>();
    private final DnsProvider recording = new DnsProvider() {
        @Override
        public String name() {
            return "recording";
        }

        @Override
        public List<ProviderRecord> recordsAt(String name) {
            return List.of();
        }

        @Override
        public List<ProviderRecord> recordsMarked(String mark) {
            return List.of();
        }

        @Override
        public RecordBatch.Result batch(RecordBatch batch) {
            sent.add(batch);
            return new RecordBatch.Result(List.of(), List.of());
        }
    };
    private final OwnershipGate gate = new OwnershipGate(recording, MARK);

    private static ProviderRecord record(String mark) {
        return new ProviderRecord("id-1", "www.meet.example.com", "A", "192.0.2.1", 60, mark);
    }

    @Test
    void aDeleteOfARecordWithoutTheMarkIsRefusedAndNothingIsSent() {
        assertThatThrownBy(() -> gate.batch(new RecordBatch(List.of(record(null)), List.of(), List.of())))
                .isInstanceOfSatisfying(ProviderException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ProviderException.Kind.PERMANENT);
                    assertThat(e.getMessage()).contains("www.meet.example.com").contains("mark");
                });
        assertThat(sent).isEmpty();
    }

    @Test
    void anUpdateOfAnotherDeploymentsRecordIsRefused() {
        RecordBatch.Patch patch = new RecordBatch.Patch(record("managed-by=elephant owner=staging"),
                new RecordSpec("www.meet.example.com", "A", "192.0.2.2", 60, MARK));
        assertThatThrownBy(() -> gate.batch(new RecordBatch(List.of(), List.of(patch), List.of())))
                .isInstanceOf(ProviderException.class);
        assertThat(sent).isEmpty();
    }

    @Test
    void aCreateWithoutTheMarkIsRefused() {
        assertThatThrownBy(() -> gate.batch(new RecordBatch(List.of(), List.of(), List.of(
                new RecordSpec("i-1.meet.example.com", "A", "192.0.2.1", 60, null)))))
                .isInstanceOf(ProviderException.class);
        assertThat(sent).isEmpty();
    }

    @Test
    void writesToMarkedRecordsPassAsTheyAre() throws Exception {
        RecordBatch batch = new RecordBatch(List.of(record("MANAGED-BY=elephant owner=prod")), List.of(),
                List.of(new RecordSpec("i-1.meet.example.com", "A", "192.0.2.1", 60, MARK)));
        gate.batch(batch);
        assertThat(sent).containsExactly(batch);
    }
}
