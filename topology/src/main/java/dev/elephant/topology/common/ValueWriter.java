package dev.elephant.topology.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;

/**
 * Writes a stored value's fields in {@link StoredSerde}'s binary form: fixed-width numbers big-endian, lengths as
 * unsigned varints, text as UTF-8, every nullable field behind a presence mark. Not thread-safe; one per value.
 */
public final class ValueWriter {

    private byte[] buf = new byte[256];
    private int size;

    ValueWriter() {}

    public void writeByte(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    public void writeBoolean(boolean b) {
        writeByte(b ? 1 : 0);
    }

    public void writeInt(int v) {
        ensure(4);
        buf[size++] = (byte) (v >>> 24);
        buf[size++] = (byte) (v >>> 16);
        buf[size++] = (byte) (v >>> 8);
        buf[size++] = (byte) v;
    }

    public void writeLong(long v) {
        writeInt((int) (v >>> 32));
        writeInt((int) v);
    }

    /** A length or a count: 7 bits a byte, the high bit saying more follow. */
    public void writeVarInt(int v) {
        if (v < 0) {
            throw new IllegalArgumentException("a length cannot be negative: " + v);
        }
        while ((v & ~0x7F) != 0) {
            writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        writeByte(v);
    }

    /** Null as 0; else 1 more than the UTF-8 length, then the bytes. */
    public void writeString(String s) {
        if (s == null) {
            writeVarInt(0);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarInt(utf8.length + 1);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, size, utf8.length);
        size += utf8.length;
    }

    public void writeNullableLong(Long v) {
        writeBoolean(v != null);
        if (v != null) {
            writeLong(v);
        }
    }

    /** Seconds and nanoseconds, so that an instant reads back exactly as it was, fractions and all. */
    public void writeInstant(Instant t) {
        writeBoolean(t != null);
        if (t != null) {
            writeLong(t.getEpochSecond());
            writeInt(t.getNano());
        }
    }

    /** By name, not ordinal: a constant added or moved later does not change what an old value means. */
    public void writeEnum(Enum<?> e) {
        writeString(e == null ? null : e.name());
    }

    public void writeStringMap(Map<String, String> map) {
        writeVarInt(map.size());
        for (Map.Entry<String, String> e : map.entrySet()) {
            writeString(e.getKey());
            writeString(e.getValue());
        }
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
