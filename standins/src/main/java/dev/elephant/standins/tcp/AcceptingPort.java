package dev.elephant.standins.tcp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP port that accepts every connection and closes it, as a database port answers a health check's connect: the
 * target of a failover name in tests and benchmarks. Closing it makes connects fail with "connection refused".
 */
public final class AcceptingPort implements AutoCloseable {

    private final ServerSocket socket = new ServerSocket();

    public AcceptingPort(String host, int port) throws IOException {
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getByName(host), port));
        Thread t = new Thread(() -> {
            while (!socket.isClosed()) {
                try (Socket s = socket.accept()) {
                    s.getOutputStream().flush();
                } catch (IOException e) {
                    return;
                }
            }
        }, "accepting-" + host + ":" + port);
        t.setDaemon(true);
        t.start();
    }

    /** A port every one of {@code hosts} (loopback addresses such as 127.0.0.2) can listen on now. */
    public static int freeOnAll(String... hosts) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            List<ServerSocket> held = new ArrayList<>();
            try {
                int port = 0;
                for (String host : hosts) {
                    ServerSocket s = new ServerSocket(port, 1, InetAddress.getByName(host));
                    held.add(s);
                    port = s.getLocalPort();
                }
                return port;
            } catch (IOException taken) {
                // another port
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IOException("no port free on all of " + List.of(hosts));
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
