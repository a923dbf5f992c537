package dev.elephant.topology.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.elephant.events.Json;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class StoredSerdeTest {

    record Row(String id, Instant at, Long count, Map<String, String> tags, RecordStatus status, boolean flag) {}

    static final class RowForm implements StoredSerde.Codec<Row> {
        private final int version;

        RowForm(int version) {
            this.version = version;
        }

        @Override
        public int version() {
            return version;
        }

        @Override
        public void write(Row r, ValueWriter out) {
            out.writeString(r.id());
            out.writeInstant(r.at());
            out.writeNullableLong(r.count());
            out.writeStringMap(r.tags());
            out.writeEnum(r.status());
            out.writeBoolean(r.flag());
        }

        @Override
        public Row read(ValueReader in, int version) {
            return new Row(in.readString(), in.readInstant(), in.readNullableLong(), in.readStringMap(),
                    in.readEnum(RecordStatus.class), in.readBoolean());
        }
    }

    private final StoredSerde<Row> serde = StoredSerde.of(Row.class, new RowForm(1));
    private final Row row = new Row("i-0123456789abcdef0 ✓", Instant.parse("2026-11-24T10:15:30.123456789Z"), -7L,
            Map.of("Name", "büro", "", "empty key"), RecordStatus.CONFIRMED, true);

    private byte[] bytes(Row r) {
        return serde.serializer().serialize("t", r);
    }

    private Row read(byte[] b) {
        return serde.deserializer().deserialize("t", b);
    }

    /** A row in form 1 up to its map: its id, no instant, no count. */
    private static ValueWriter startOfARow() {
        ValueWriter out = new ValueWriter();
        out.writeByte(StoredSerde.MARK);
        out.writeByte(1);
        out.writeString("i-1");
        out.writeInstant(null);
        out.writeNullableLong(null);
        return out;
    }

    @Test
    void aValueReadsBackExactlyAsItWasWrittenNullsFractionsAndTextIncluded() {
        assertThat(read(bytes(row))).isEqualTo(row);
        Row sparse = new Row(null, null, null, Map.of(), null, false);
        assertThat(read(bytes(sparse))).isEqualTo(sparse);
    }

    @Test
    void aValueWrittenAsJsonBeforeTheBinaryFormIsStillRead() {
        byte[] json = Json.toBytes(row);
        assertThat(json[0]).isEqualTo((byte) '{');
        assertThat(read(json)).isEqualTo(row);
    }

    @Test
    void aTombstoneStaysNull() {
        assertThat(serde.serializer().serialize("t", null)).isNull();
        assertThat(read(null)).isNull();
    }

    @Test
    void aValueCutShortIsRefusedNamingTheTypeAndWhereItEnds() {
        byte[] whole = bytes(row);
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] part = Arrays.copyOf(whole, cut);
            assertThatThrownBy(() -> read(part)).as("cut at %d", cut).isInstanceOf(SerializationException.class)
                    .hasMessageStartingWith("a stored Row on t cannot be read: ");
        }
    }

    @Test
    void bytesLeftAfterTheValueAreRefused() {
        byte[] whole = bytes(row);
        byte[] longer = Arrays.copyOf(whole, whole.length + 3);
        assertThatThrownBy(() -> read(longer)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("3 bytes are left after the value");
    }

    @Test
    void aValueOfAFormNewerThanThisElephantReadsIsRefusedSayingSo() {
        byte[] newer = StoredSerde.of(Row.class, new RowForm(2)).serializer().serialize("t", row);
        assertThatThrownBy(() -> read(newer)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("it is in form 2 and this Elephant reads forms 1 to 1");
    }

    @Test
    void aCountBeyondWhatTheValueHoldsIsRefusedWithoutAllocatingIt() {
        ValueWriter out = startOfARow();
        out.writeVarInt(Integer.MAX_VALUE); // the map's count
        byte[] hostile = out.toByteArray();
        assertThatThrownBy(() -> read(hostile)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("a map of 2147483647 entries");
    }

    @Test
    void anUnknownConstantIsRefusedByName() {
        ValueWriter out = startOfARow();
        out.writeStringMap(Map.of());
        out.writeString("SOMEDAY");
        out.writeBoolean(false);
        byte[] b = out.toByteArray();
        assertThatThrownBy(() -> read(b)).isInstanceOf(SerializationException.class)
                .hasMessageContaining("no RecordStatus is named SOMEDAY");
    }
}
