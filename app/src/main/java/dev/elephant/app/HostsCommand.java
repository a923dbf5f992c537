package dev.elephant.app;

import dev.elephant.app.hosts.HostsFile;
import dev.elephant.app.hosts.RecordsSource;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code elephant hosts --out FILE}: keeps a hosts file of Elephant's names current, read from a running Elephant's
 * {@code GET /v1/records}; the old file stays whenever the new one could not be read whole or looks wrong.
 */
@Command(name = "hosts", mixinStandardHelpOptions = true,
        description = {"Keeps a hosts file of Elephant's names current (one line per name, sorted), for clients that "
                + "read a hosts file instead of DNS (CoreDNS's hosts plugin, dnsmasq's addn-hosts).",
                "Never writes an empty file, nor one from a source it could not read: the old file stays and the reason "
                        + "is printed and counted."})
final class HostsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--out", required = true, description = "The hosts file to keep.")
    Path out;

    @Option(names = "--url", defaultValue = "${env:ELEPHANT_OPS_URL:-http://127.0.0.1:8081}",
            description = "Elephant's operations listener (default: ${DEFAULT-VALUE}, dev's).")
    URI url;

    @Option(names = "--address", description = "public or private: the instance's address of that kind instead of the "
            + "one its record points at.")
    String address;

    @Option(names = "--interval", defaultValue = "5s", description = "How often to refresh: 5s, 1m, or ISO-8601 "
            + "(default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = "--min-entries", defaultValue = "1", description = "Never write fewer names than this "
            + "(default: ${DEFAULT-VALUE}: never an empty file).")
    int minEntries;

    @Option(names = "--max-shrink", defaultValue = "0.5", description = "Never drop more than this fraction of the "
            + "names at once (default: ${DEFAULT-VALUE}); a real mass termination is written over a few refreshes.")
    double maxShrink;

    @Option(names = "--once", description = "Write once and exit: 0 written or unchanged, 1 kept the old file.")
    boolean once;

    private final Map<String, Integer> kept = new TreeMap<>();

    @Override
    public Integer call() throws Exception {
        if (minEntries < 1) {
            throw new ParameterException(spec.commandLine(), "--min-entries must be at least 1");
        }
        if (maxShrink <= 0 || maxShrink > 1) {
            throw new ParameterException(spec.commandLine(), "--max-shrink must be in (0, 1]");
        }
        RecordsSource.Address kind = address == null ? RecordsSource.Address.RECORD : switch (address) {
            case "public" -> RecordsSource.Address.PUBLIC;
            case "private" -> RecordsSource.Address.PRIVATE;
            default -> throw new ParameterException(spec.commandLine(), "--address must be public or private");
        };
        Duration every = parseInterval();
        PrintWriter o = spec.commandLine().getOut();
        RecordsSource source = new RecordsSource(url);
        HostsFile file = new HostsFile(out, minEntries, maxShrink);
        while (true) {
            boolean ok = refresh(source, kind, file, o);
            if (once) {
                return ok ? 0 : 1;
            }
            Thread.sleep(every.toMillis());
        }
    }

    private boolean refresh(RecordsSource source, RecordsSource.Address kind, HostsFile file, PrintWriter o)
            throws InterruptedException {
        Instant now = Instant.now();
        try {
            RecordsSource.Read read = source.read(kind);
            boolean changed = file.write(read.entries(), url + "/v1/records", now);
            if (changed) {
                o.println(now + " wrote " + out + ": " + read.entries().size() + " name(s)"
                        + (read.withoutAddress() > 0 ? ", " + read.withoutAddress() + " without a " + address
                        + " address left out" : ""));
            }
            o.flush();
            return true;
        } catch (RecordsSource.Unavailable e) {
            return keep(o, now, "source-unavailable", e.getMessage());
        } catch (HostsFile.Refused e) {
            return keep(o, now, e.reason(), e.getMessage());
        } catch (IOException e) {
            return keep(o, now, "write-failed", "cannot write " + out + ": " + e.getMessage());
        }
    }

    private boolean keep(PrintWriter o, Instant now, String reason, String message) {
        kept.merge(reason, 1, Integer::sum);
        o.println(now + " kept " + out + " as it is (" + reason + "): " + message + "; kept so far " + kept);
        o.flush();
        return false;
    }

    private Duration parseInterval() {
        String s = interval.trim().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (s.startsWith("p")) {
                d = Duration.parse(s.toUpperCase(Locale.ROOT));
            } else if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            } else {
                throw new NumberFormatException();
            }
            if (d.isNegative() || d.isZero()) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new ParameterException(spec.commandLine(), "--interval must be positive: 5s, 1m or ISO-8601 (PT5S)");
        }
    }
}
