package dev.elephant.topology.common;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads what a {@link ValueWriter} wrote, in the same order. A value that ends early or holds a length beyond its
 * end is refused with {@link CorruptValueException}, never read past or half-built.
 */
public final class ValueReader {

    /** A stored value that is not what its writer wrote: cut short, or not of this form at all. */
    public static final class CorruptValueException extends RuntimeException {
        CorruptValueException(String message) {
            super(message);
        }
    }

    private final byte[] buf;
    private int pos;

    ValueReader(byte[] buf, int offset) {
        this.buf = buf;
        this.pos = offset;
    }

    public int readByte() {
        need(1);
        return buf[pos++] & 0xFF;
    }

    /** A form's version: 1 to {@code newest}, or the value is of a form this Elephant does not read. */
    public int readVersion(int newest) {
        int version = readByte();
        if (version < 1 || version > newest) {
            throw new CorruptValueException("it is in form " + version + " and this Elephant reads forms 1 to " + newest
                    + " (written by a newer Elephant?)");
        }
        return version;
    }

    public boolean readBoolean() {
        int b = readByte();
        if (b > 1) {
            throw new CorruptValueException("a flag holds " + b + " at byte " + (pos - 1));
        }
        return b == 1;
    }

    public int readInt() {
        need(4);
        int v = ((buf[pos] & 0xFF) << 24) | ((buf[pos + 1] & 0xFF) << 16) | ((buf[pos + 2] & 0xFF) << 8)
                | (buf[pos + 3] & 0xFF);
        pos += 4;
        return v;
    }

    public long readLong() {
        return ((long) readInt() << 32) | (readInt() & 0xFFFFFFFFL);
    }

    public int readVarInt() {
        int v = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            int b = readByte();
            v |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (v < 0) {
                    break;
                }
                return v;
            }
        }
        throw new CorruptValueException("a length does not fit an int at byte " + pos);
    }

    public String readString() {
        int n = readVarInt();
        if (n == 0) {
            return null;
        }
        int len = n - 1;
        need(len);
        String s = new String(buf, pos, len, StandardCharsets.UTF_8);
        pos += len;
        return s;
    }

    public Long readNullableLong() {
        return readBoolean() ? readLong() : null;
    }

    public Instant readInstant() {
        if (!readBoolean()) {
            return null;
        }
        long seconds = readLong();
        int nanos = readInt();
        try {
            return Instant.ofEpochSecond(seconds, nanos);
        } catch (RuntimeException e) {
            throw new CorruptValueException("an instant is out of range: " + seconds + " s " + nanos + " ns");
        }
    }

    public <E extends Enum<E>> E readEnum(Class<E> type) {
        String name = readString();
        if (name == null) {
            return null;
        }
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new CorruptValueException("no " + type.getSimpleName() + " is named " + name);
        }
    }

    public Map<String, String> readStringMap() {
        int n = readVarInt();
        // Each entry takes at least two bytes: a count beyond what is left is a corrupt value, not an allocation.
        if (n > (buf.length - pos) / 2) {
            throw new CorruptValueException("a map of " + n + " entries in " + (buf.length - pos) + " bytes");
        }
        Map<String, String> map = new HashMap<>(n * 2);
        for (int i = 0; i < n; i++) {
            map.put(readString(), readString());
        }
        return map;
    }

    boolean atEnd() {
        return pos == buf.length;
    }

    int position() {
        return pos;
    }

    private void need(int n) {
        if (n > buf.length - pos) {
            throw new CorruptValueException("the value ends at byte " + buf.length + ", " + n + " more were expected at "
                    + pos);
        }
    }
}
