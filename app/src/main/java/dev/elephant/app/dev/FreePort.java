package dev.elephant.app.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback port free right now, for a component whose port another must know before it starts.
 *
 * <p>Chosen below the range the system hands out by itself (Linux: 32768–60999 for outgoing connections and
 * for binds to port 0): a port taken from that range is free only until the next outgoing connection — a Kafka
 * client's, say — happens to be given it before the component binds it. Below it, nothing takes the port
 * unasked.
 */
public final class FreePort {

    private static final int FROM = 20_000;
    private static final int TO = 32_000;
    private static final int ATTEMPTS = 200;

    private FreePort() {}

    public static int find() {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(FROM, TO);
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
