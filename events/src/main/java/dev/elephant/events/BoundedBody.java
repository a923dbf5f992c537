package dev.elephant.events;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a request body without ever holding more than a limit of it in memory. */
public final class BoundedBody {

    /** The body, or {@code tooLarge} with the first {@code limit} bytes when the sender sent more. */
    public record Read(byte[] bytes, boolean tooLarge) {}

    private BoundedBody() {}

    public static Read read(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 8192));
        byte[] buffer = new byte[8192];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            int room = limit - out.size();
            if (n > room) {
                out.write(buffer, 0, room);
                return new Read(out.toByteArray(), true);
            }
            out.write(buffer, 0, n);
        }
        return new Read(out.toByteArray(), false);
    }
}
