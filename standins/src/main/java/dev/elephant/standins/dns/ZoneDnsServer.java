package dev.elephant.standins.dns;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * Answers real DNS queries (UDP and TCP) for a stand-in zone (Cloudflare's or a Route 53 hosted zone),
 * authoritatively, so that {@code dig @127.0.0.1 -p 5353 i-….elephant.test} shows what Elephant did to the zone.
 */
public final class ZoneDnsServer implements AutoCloseable {

    /** One record as DNS serves it; a TTL of 1 is Cloudflare's "automatic". */
    public record Answer(String type, String content, int ttl) {}

    private static final Logger log = LoggerFactory.getLogger(ZoneDnsServer.class);
    /** What an automatic TTL (1) is served as. */
    private static final int AUTO_TTL = 300;

    private final Function<String, List<Answer>> lookup;
    private final Name origin;
    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "standin-dns");
        t.setDaemon(true);
        return t;
    });

    /** @param lookup the records at a lower-case name without the trailing dot */
    public ZoneDnsServer(String zoneName, Function<String, List<Answer>> lookup, InetAddress bind, int port)
            throws IOException {
        this.lookup = lookup;
        this.origin = Name.fromString(zoneName + ".");
        // UDP and TCP on the same port number, as a DNS server is expected to. With port 0 the number UDP
        // got may be taken for TCP: then try another.
        int attempts = port == 0 ? 20 : 1;
        DatagramSocket boundUdp = null;
        ServerSocket boundTcp = null;
        for (int i = 0; i < attempts && boundTcp == null; i++) {
            boundUdp = new DatagramSocket(new InetSocketAddress(bind, port));
            try {
                ServerSocket candidate = new ServerSocket();
                candidate.setReuseAddress(true);
                try {
                    candidate.bind(new InetSocketAddress(bind, boundUdp.getLocalPort()));
                } catch (IOException e) {
                    candidate.close();
                    throw e;
                }
                boundTcp = candidate;
            } catch (IOException e) {
                boundUdp.close();
                if (i == attempts - 1) {
                    throw e;
                }
            }
        }
        this.udp = boundUdp;
        this.tcp = boundTcp;
        threads.submit(this::serveUdp);
        threads.submit(this::serveTcp);
    }

    public int port() {
        return udp.getLocalPort();
    }

    private void serveUdp() {
        byte[] buffer = new byte[512];
        while (!udp.isClosed()) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                byte[] query = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
                byte[] answer = answer(query, 512);
                if (answer != null) {
                    udp.send(new DatagramPacket(answer, answer.length, packet.getSocketAddress()));
                }
            } catch (SocketException e) {
                return;
            } catch (IOException | RuntimeException e) {
                log.debug("dropped a malformed DNS query over UDP: {}", e.toString());
            }
        }
    }

    private void serveTcp() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                threads.submit(() -> serveTcpConnection(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcpConnection(Socket socket) {
        try (socket) {
            socket.setSoTimeout(10_000);
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            int length = in.readUnsignedShort();
            byte[] query = in.readNBytes(length);
            byte[] answer = answer(query, 65_535);
            if (answer != null) {
                out.writeShort(answer.length);
                out.write(answer);
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("dropped a DNS query over TCP: {}", e.toString());
        }
    }

    /** The wire-format answer to a wire-format query, or null when the query cannot be parsed at all. */
    byte[] answer(byte[] wire, int maxLength) {
        Message query;
        try {
            query = new Message(wire);
        } catch (IOException e) {
            return null;
        }
        Message response = new Message(query.getHeader().getID());
        response.getHeader().setFlag(Flags.QR);
        if (query.getHeader().getFlag(Flags.RD)) {
            response.getHeader().setFlag(Flags.RD);
        }
        Record question = query.getQuestion();
        if (question == null) {
            response.getHeader().setRcode(Rcode.FORMERR);
            return response.toWire(maxLength);
        }
        response.addRecord(question, Section.QUESTION);
        Name qname = question.getName();
        if (!qname.subdomain(origin)) {
            response.getHeader().setRcode(Rcode.REFUSED);
            return response.toWire(maxLength);
        }
        response.getHeader().setFlag(Flags.AA);
        String fqdn = qname.toString(true).toLowerCase(Locale.ROOT);
        List<Answer> records = lookup.apply(fqdn);
        if (records.isEmpty() && !qname.equals(origin)) {
            response.getHeader().setRcode(Rcode.NXDOMAIN);
            response.addRecord(soa(), Section.AUTHORITY);
            return response.toWire(maxLength);
        }
        int qtype = question.getType();
        boolean answered = false;
        for (Answer r : records) {
            Record rr = toRecord(qname, r);
            if (rr != null && (qtype == Type.ANY || qtype == rr.getType() || rr.getType() == Type.CNAME)) {
                response.addRecord(rr, Section.ANSWER);
                answered = true;
            }
        }
        if (qname.equals(origin) && (qtype == Type.SOA || qtype == Type.ANY)) {
            response.addRecord(soa(), Section.ANSWER);
            answered = true;
        }
        if (!answered) {
            response.addRecord(soa(), Section.AUTHORITY);
        }
        return response.toWire(maxLength);
    }

    private Record toRecord(Name name, Answer r) {
        long ttl = r.ttl() == 1 ? AUTO_TTL : r.ttl();
        try {
            return switch (r.type()) {
                case "A" -> new ARecord(name, DClass.IN, ttl, InetAddress.getByName(r.content()));
                case "AAAA" -> new AAAARecord(name, DClass.IN, ttl, InetAddress.getByName(r.content()));
                case "CNAME" -> new CNAMERecord(name, DClass.IN, ttl, Name.fromString(r.content() + "."));
                case "TXT" -> new TXTRecord(name, DClass.IN, ttl, r.content());
                default -> null;
            };
        } catch (IOException e) {
            return null;
        }
    }

    private SOARecord soa() {
        try {
            return new SOARecord(origin, DClass.IN, 300, Name.fromString("ns.standin." + origin),
                    Name.fromString("hostmaster." + origin), 1, 3600, 600, 86400, 60);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        udp.close();
        try {
            tcp.close();
        } catch (IOException e) {
            log.debug("closing DNS TCP socket: {}", e.toString());
        }
        threads.shutdownNow();
    }
}
