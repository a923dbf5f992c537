package dev.elephant.app.dev;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A port free right now, for a component whose port another must know before it starts.
 *
 * <p>Chosen below the range the system hands out by itself (Linux: 32768–60999 for outgoing connections and
 * for binds to port 0): a port taken from that range is free only until the next outgoing connection — a Kafka
 * client's, say — happens to be given it before the component binds it. Below it, nothing takes the port
 * unasked.
 *
 * <p>A port is free only if both TCP and UDP can bind it on every interface: a DNS server takes both, and a
 * port free on loopback may still be held on the wildcard address by another process. A port handed out once
 * is never handed out again by this JVM, since its taker may not have bound it yet.
 */
public final class FreePort {

    private static final int FROM = 20_000;
    private static final int TO = 32_000;
    private static final int ATTEMPTS = 500;
    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

    private FreePort() {}

    public static int find() {
        return find(FROM, TO);
    }

    static int find(int from, int to) {
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(from, to);
            if (!HANDED_OUT.contains(port) && bindsTcpAndUdp(port) && HANDED_OUT.add(port)) {
                return port;
            }
        }
        throw new UncheckedIOException(new IOException("no free port between " + from + " and " + to
                + " after " + ATTEMPTS + " attempts"));
    }

    private static boolean bindsTcpAndUdp(int port) {
        try (ServerSocket tcp = new ServerSocket();
             DatagramSocket udp = new DatagramSocket(null)) {
            tcp.setReuseAddress(false);
            tcp.bind(new InetSocketAddress(port), 1);
            udp.setReuseAddress(false);
            udp.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }
}
