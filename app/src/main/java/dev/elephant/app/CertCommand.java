package dev.elephant.app;

import dev.elephant.events.CertificateEvent;
import dev.elephant.events.Json;
import dev.elephant.sinks.certificates.CertificateHistory;
import dev.elephant.sinks.certificates.CertificateSettings;
import dev.elephant.sinks.certificates.CertificateStatus;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code elephant cert status|renew}: the certificate Elephant obtains, read from and asked of {@code certificates}. */
@Command(name = "cert", mixinStandardHelpOptions = true, subcommands = {CertCommand.Status.class, CertCommand.Renew.class},
        description = "The certificate Elephant obtains by ACME DNS-01 (certificates.* in run config, --acme-directory in dev).")
final class CertCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "say status or renew");
    }

    /** Where the certificate's history is: the dev broker by default, as for elephant audit. */
    static final class Where {
        @Mixin
        KafkaOptions kafka;

        @Option(names = "--certificate", defaultValue = "${env:ELEPHANT_CERTIFICATES_SECRET:-"
                + CertificateSettings.DEFAULT_SECRET + "}",
                description = "The certificate's id, the secret it is stored in (default: ${DEFAULT-VALUE}).")
        String certificate;

        Map<String, Object> properties() {
            return kafka.properties("elephant-cert");
        }

        String topic() {
            return kafka.topics().certificates();
        }
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Names, issuer, not-after and days left; the last attempt and its error.")
    static final class Status implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--format", defaultValue = "text", description = "text or json (default: ${DEFAULT-VALUE}).")
        String format;

        @Override
        public Integer call() throws Exception {
            if (!format.equals("text") && !format.equals("json")) {
                throw new ParameterException(spec.commandLine(), "--format must be text or json");
            }
            CertificateStatus status = CertificateStatus.read(where.properties(), where.topic(), where.certificate,
                    Instant.now(), Duration.ofSeconds(30));
            PrintWriter out = spec.commandLine().getOut();
            out.print(format.equals("json") ? Json.toString(status) + "\n" : status.text());
            out.flush();
            // 0 with a certificate in hand, 1 without one: a script can check.
            return status.notAfter() != null && status.notAfter().isAfter(Instant.now()) ? 0 : 1;
        }
    }

    @Command(name = "renew", mixinStandardHelpOptions = true,
            description = {"Asks the certificate's owner to order it now, and waits for the outcome.",
                    "Without --force only a certificate that is due, missing or failing is ordered."})
    static final class Renew implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Where where;

        @Option(names = "--force", description = "Order a new certificate even though the current one is valid "
                + "(Let's Encrypt allows 5 for the same names a week).")
        boolean force;

        @Option(names = "--wait", defaultValue = "PT5M", description = "How long to wait for the outcome (default: ${DEFAULT-VALUE}).")
        Duration wait;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Instant now = Instant.now();
            CertificateStatus before = CertificateStatus.read(where.properties(), where.topic(), where.certificate, now,
                    Duration.ofSeconds(30));
            if (!force && before.notAfter() != null && before.lastError() == null && before.daysLeft() != null
                    && before.daysLeft() > 30) {
                out.println("certificate " + where.certificate + " is valid until " + before.notAfter() + " ("
                        + before.daysLeft() + " day(s) left) and not due; --force orders a new one anyway");
                out.flush();
                return 0;
            }
            String requestId = UUID.randomUUID().toString();
            Map<String, Object> props = where.properties();
            props.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(where.topic(), where.certificate, Json.toBytes(
                        CertificateEvent.renewRequested(requestId, where.certificate, force, now))))
                        .get(30, TimeUnit.SECONDS);
            }
            out.println("asked for certificate " + where.certificate + " (request " + requestId + "); waiting up to "
                    + wait.toSeconds() + " s for its owner");
            out.flush();
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline) {
                CertificateHistory h = CertificateStatus.history(where.properties(), where.topic(), where.certificate,
                        Duration.ofSeconds(30));
                CertificateEvent attempt = h.lastAttempt();
                CertificateEvent outcome = h.lastOutcome();
                if (attempt != null && requestId.equals(attempt.causeId()) && outcome != null
                        && outcome.attemptId().equals(attempt.attemptId())) {
                    if (outcome.phase() == CertificateEvent.Phase.ISSUED) {
                        out.println("issued: serial " + outcome.serial() + ", valid until " + outcome.notAfter()
                                + ", by " + outcome.issuer());
                        out.flush();
                        return 0;
                    }
                    out.println("failed: " + outcome.error() + "; next attempt " + outcome.nextAttemptAt());
                    out.flush();
                    return 1;
                }
                Thread.sleep(1000);
            }
            out.println("no outcome within " + wait.toSeconds() + " s: is Elephant running with certificates enabled? "
                    + "The request stays on " + where.topic() + " and is carried out when it is.");
            out.flush();
            return 2;
        }
    }
}
