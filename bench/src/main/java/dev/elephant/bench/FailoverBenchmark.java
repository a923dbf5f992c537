package dev.elephant.bench;

import dev.elephant.app.dev.DevStack;
import dev.elephant.standins.tcp.AcceptingPort;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * How long a failover name takes to move: a TCP listener on 127.0.0.2 (primary) and one on 127.0.0.3 (secondary),
 * a name {@code db} checking them, then rounds of closing the primary (measured: from the close to the zone's DNS
 * server answering the secondary) and opening it again (to the answer being the primary again). The answer comes
 * from the Cloudflare stand-in's zone over real DNS, as {@code dig} would see it in {@code elephant dev}.
 *
 * <p>{@code bench/run failover [rounds] [interval] [failures] [passes]}: defaults 5 rounds, PT1S, 3, 2.
 */
public final class FailoverBenchmark {

    private static final String KEY = "bench-failover-key";

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        Duration interval = args.length > 1 ? Duration.parse(args[1]) : Duration.ofSeconds(1);
        int failures = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int passes = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        Duration timeout = interval.compareTo(Duration.ofSeconds(4)) > 0 ? Duration.ofSeconds(2) : interval.dividedBy(2);
        DevStack.Options options = BenchStack.options("failover", KEY);
        int port = AcceptingPort.freeOnAll("127.0.0.2", "127.0.0.3");
        AcceptingPort secondary = new AcceptingPort("127.0.0.3", port);
        AcceptingPort primary = new AcceptingPort("127.0.0.2", port);
        List<Long> away = new ArrayList<>();
        List<Long> back = new ArrayList<>();
        try (DevStack stack = DevStack.start(options)) {
            declare(stack.apiUrl(), port, interval, timeout, failures, passes);
            awaitAnswer(stack.dnsPort(), "127.0.0.2", Duration.ofSeconds(60));
            // Both targets checked at least `passes` times: healthy, so the first round starts from a settled name.
            Thread.sleep(interval.multipliedBy(passes + 1).toMillis());
            for (int round = 1; round <= rounds; round++) {
                primary.close();
                long closed = System.nanoTime();
                awaitAnswer(stack.dnsPort(), "127.0.0.3", interval.multipliedBy(failures).plusSeconds(60));
                away.add((System.nanoTime() - closed) / 1_000_000);
                primary = new AcceptingPort("127.0.0.2", port);
                long opened = System.nanoTime();
                awaitAnswer(stack.dnsPort(), "127.0.0.2", interval.multipliedBy(passes).plusSeconds(60));
                back.add((System.nanoTime() - opened) / 1_000_000);
                System.out.printf("round %d: to the secondary in %d ms, back in %d ms%n", round,
                        away.get(away.size() - 1), back.get(back.size() - 1));
            }
        } finally {
            primary.close();
            secondary.close();
        }
        Collections.sort(away);
        Collections.sort(back);
        System.out.println();
        System.out.printf("Failover name, TCP check every %s (timeout %s), %d failures / %d passes in a row, "
                + "answer read from the zone's DNS server every 50 ms%n", interval, timeout, failures, passes);
        System.out.println("| rounds | primary closed → secondary answered: p50 | max | bound (interval × failures) "
                + "| primary open → primary answered: p50 | max | bound (interval × passes) |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        System.out.printf("| %d | %.2f s | %.2f s | %.0f s | %.2f s | %.2f s | %.0f s |%n", rounds, away.get(away.size() / 2)
                / 1000.0, away.get(away.size() - 1) / 1000.0, interval.multipliedBy(failures).toMillis() / 1000.0,
                back.get(back.size() / 2) / 1000.0, back.get(back.size() - 1) / 1000.0,
                interval.multipliedBy(passes).toMillis() / 1000.0);
        System.exit(0);
    }

    private static void declare(URI api, int port, Duration interval, Duration timeout, int failures, int passes)
            throws Exception {
        String body = """
                {"name":"db","primary":{"address":"127.0.0.2"},"secondary":{"address":"127.0.0.3"},
                 "check":{"type":"tcp","port":%d},"interval":"%s","timeout":"%s","failures":%d,"passes":%d}"""
                .formatted(port, interval, timeout, failures, passes);
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(api.resolve("/v1/failover"))
                .header("X-Elephant-Key", KEY).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("the failover name was refused: " + r.body());
        }
    }

    private static void awaitAnswer(int dnsPort, String address, Duration atMost) throws Exception {
        SimpleResolver resolver = new SimpleResolver(InetAddress.getLoopbackAddress());
        resolver.setPort(dnsPort);
        resolver.setTimeout(Duration.ofSeconds(1));
        long deadline = System.nanoTime() + atMost.toNanos();
        while (System.nanoTime() < deadline) {
            Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString("db.elephant.test."),
                    Type.A, DClass.IN)));
            for (Record rec : answer.getSection(Section.ANSWER)) {
                if (rec instanceof ARecord a && a.getAddress().getHostAddress().equals(address)) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("db.elephant.test did not answer " + address + " within " + atMost);
    }

}
