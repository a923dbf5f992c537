package dev.elephant.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** A port nothing listens on now, for a benchmark's broker, stand-ins and Elephant's own listeners. */
final class Ports {

    private Ports() {}

    static int free() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port", e);
        }
    }
}
