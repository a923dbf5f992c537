package dev.elephant.topology.common;

import dev.elephant.events.JsonSerde;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of a state store's values (and of the repartition topics between the topology's own tasks): a compact
 * binary form written field by field by the value's {@link Codec}, read back without reflection. A store's value
 * is read at every record of its key, and reading and writing it as JSON was a sixth of the stream threads' time
 * (docs/BENCHMARKS.md, "Replay").
 *
 * <p>Values written as JSON, before this form existed, are still read: a changelog or repartition topic written by
 * an earlier Elephant restores and replays unchanged. A JSON value begins with {@code {}; a binary one with
 * {@link #MARK} and the form's version. Nothing outside the topology reads these bytes: the published topics stay
 * JSON, under their schemas.
 */
public final class StoredSerde<T> implements Serde<T> {

    /** The first byte of a value in the binary form: never the first byte of a JSON text. */
    static final int MARK = 0xB1;

    /** How one type's fields are written and read, in one order. */
    public interface Codec<T> {

        /** The version of the form {@link #write} writes; {@link #read} reads it and every earlier one. */
        int version();

        void write(T value, ValueWriter out);

        T read(ValueReader in, int version);
    }

    private final Class<T> type;
    private final Codec<T> codec;
    private final Deserializer<T> json;

    private StoredSerde(Class<T> type, Codec<T> codec) {
        this.type = type;
        this.codec = codec;
        this.json = JsonSerde.of(type).deserializer();
    }

    public static <T> StoredSerde<T> of(Class<T> type, Codec<T> codec) {
        if (codec.version() < 1 || codec.version() > 255) {
            throw new IllegalArgumentException("a form's version is 1 to 255, not " + codec.version());
        }
        return new StoredSerde<>(type, codec);
    }

    @Override
    public Serializer<T> serializer() {
        return (topic, value) -> value == null ? null : toBytes(value);
    }

    @Override
    public Deserializer<T> deserializer() {
        return (topic, bytes) -> bytes == null ? null : fromBytes(topic, bytes);
    }

    byte[] toBytes(T value) {
        ValueWriter out = new ValueWriter();
        out.writeByte(MARK);
        out.writeByte(codec.version());
        codec.write(value, out);
        return out.toByteArray();
    }

    T fromBytes(String topic, byte[] bytes) {
        if (bytes.length == 0 || (bytes[0] & 0xFF) != MARK) {
            return json.deserialize(topic, bytes); // written before the binary form
        }
        ValueReader in = new ValueReader(bytes, 1);
        T value;
        try {
            value = codec.read(in, in.readVersion(codec.version()));
        } catch (ValueReader.CorruptValueException e) {
            throw corrupt(topic, e.getMessage());
        } catch (RuntimeException e) {
            // A field the value's own checks refuse (its constructor's): as corrupt, saying which check.
            throw corrupt(topic, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
        if (!in.atEnd()) {
            throw corrupt(topic, (bytes.length - in.position()) + " bytes are left after the value");
        }
        return value;
    }

    private SerializationException corrupt(String topic, String why) {
        return new SerializationException("a stored " + type.getSimpleName() + (topic == null ? "" : " on " + topic)
                + " cannot be read: " + why);
    }
}
