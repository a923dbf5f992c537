package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.elephant.app.config.RunConfig;
import dev.elephant.app.runtime.Elephant;
import dev.elephant.app.runtime.ElephantSettings;
import dev.elephant.events.CertificateEvent;
import dev.elephant.events.DnsMutation;
import dev.elephant.events.Json;
import dev.elephant.events.Topics;
import dev.elephant.sinks.certificates.Pem;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * The certificate against a real ACME server, Pebble, which validates each DNS-01 challenge by a real DNS query to
 * the provider stand-in's name server: issued, stored, shown, renewed when due or asked and not otherwise, its
 * challenge records written and removed through the provider and audited, what a restart cut short cleaned up,
 * failures reported and retried, and no key anywhere but the secret.
 */
class CertificatesTest {

    private static final String KEY = "k-certs";
    private static final String TOKEN = "cf-certs";
    private static final String SECRET = "elephant/certificate";
    private static final String ACCOUNT_SECRET = "elephant/acme-account";
    private static final String CHALLENGE = "_acme-challenge." + RunFixture.DOMAIN;
    private static final Duration WITHIN = Duration.ofSeconds(90);

    @TempDir
    Path dir;
    private RunFixture run;
    private Pebble pebble;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void requirePebble() {
        assumeTrue(Pebble.installed() || System.getenv("CI") != null, "pebble is not installed (.ci/run installs it)");
        logs.start();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(logs);
    }

    @AfterEach
    void close() {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
        if (run != null) {
            run.close();
        }
        if (pebble != null) {
            pebble.close();
        }
    }

    private void startRun(ElephantSettings.DnsProviderKind kind) throws Exception {
        run = new RunFixture("certs", TOKEN, KEY, kind);
    }

    private int dnsPort() throws Exception {
        return run.provider.kind() == ElephantSettings.DnsProviderKind.ROUTE53
                ? run.aws.serveDns(run.aws.hostedZone(RunFixture.DOMAIN, false), "127.0.0.1", 0)
                : run.cloudflare.dnsPort();
    }

    private ElephantSettings settings(String extra) throws Exception {
        return RunConfig.load(run.config(dir, "\ncertificates:\n  enabled: true\n  directory: " + pebble.directory()
                        + "\n  acmeCaCert: " + pebble.tlsCa() + "\n  email: ops@meet.example.com\n  retryMin: PT2S\n"
                        + "  retryMax: PT4S\n  attemptTimeout: PT60S\n" + extra),
                Map.of("ELEPHANT_INGEST_KEY", KEY, "ELEPHANT_CLOUDFLARE_TOKEN", TOKEN), (id, region, endpoint) -> null);
    }

    private List<CertificateEvent> history() {
        List<CertificateEvent> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readAll(SharedKafka.bootstrapServers(),
                new Topics(run.prefix).certificates())) {
            out.add(Json.fromBytes(r.value().getBytes(), CertificateEvent.class));
        }
        return out;
    }

    private List<CertificateEvent> phase(CertificateEvent.Phase p) {
        return history().stream().filter(e -> e.phase() == p).toList();
    }

    private List<DnsMutation> challengeMutations() {
        List<DnsMutation> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : TopicReader.readAll(SharedKafka.bootstrapServers(),
                new Topics(run.prefix).dnsMutations())) {
            DnsMutation m = Json.fromBytes(r.value().getBytes(), DnsMutation.class);
            if (CHALLENGE.equals(m.name())) {
                out.add(m);
            }
        }
        return out;
    }

    private String cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cmd = new CommandLine(new Main());
        cmd.setOut(new PrintWriter(out));
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap", SharedKafka.bootstrapServers(), "--topic-prefix", run.prefix));
        cmd.execute(all.toArray(String[]::new));
        return out.toString();
    }

    @Test
    void theWildcardIsIssuedByDns01ThroughTheProviderStoredShownAndRenewedOnlyWhenAsked() throws Exception {
        startRun(ElephantSettings.DnsProviderKind.CLOUDFLARE);
        pebble = Pebble.start(dir.resolve("pebble"), dnsPort(), Duration.ofDays(90), List.of(), Map.of());
        run.elephant = Elephant.start(settings(""));

        await().atMost(WITHIN).until(() -> run.aws.secret(SECRET).isPresent());
        String stored = run.aws.secret(SECRET).orElseThrow();
        List<X509Certificate> chain = Pem.certificates(stored);
        X509Certificate leaf = chain.get(0);
        assertThat(leaf.getSubjectAlternativeNames().stream().map(san -> String.valueOf(san.get(1))).toList())
                .containsExactly("*." + RunFixture.DOMAIN);
        X509Certificate intermediate = pebble.issuers().get(0);
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(intermediate.getSubjectX500Principal());
        leaf.verify(intermediate.getPublicKey()); // signed by Pebble's intermediate, not just named after it
        assertThat(keyMatches(stored, leaf)).as("the stored key is the certificate's").isTrue();
        assertThat(leaf.getPublicKey().getAlgorithm()).isEqualTo("EC");

        // The challenge record came and went through the provider, each write an intent and an outcome.
        assertThat(run.provider.records()).noneMatch(r -> r.name().equals(CHALLENGE));
        List<DnsMutation> writes = challengeMutations();
        assertThat(writes).extracting(m -> m.action() + "/" + m.phase()).containsExactly(
                "CREATE/INTENT", "CREATE/APPLIED", "DELETE/INTENT", "DELETE/APPLIED");
        CertificateEvent attempt = phase(CertificateEvent.Phase.ATTEMPT).get(0);
        assertThat(writes).allMatch(m -> attempt.attemptId().equals(m.causeId()) && "prod".equals(m.owner()));
        CertificateEvent issued = phase(CertificateEvent.Phase.ISSUED).get(0);
        assertThat(issued.attemptId()).isEqualTo(attempt.attemptId());
        assertThat(attempt.reason()).isEqualTo("first");
        assertThat(issued.serial()).isEqualTo(Pem.serial(leaf));
        assertThat(issued.secretVersion()).as("the Secrets Manager version holding it").isNotBlank();
        assertThat(issued.issuer()).contains("Pebble Intermediate CA");

        // Shown: elephant cert status, GET /v1/certificates, the metric, elephant audit.
        String status = cli("cert", "status");
        assertThat(status).contains("*." + RunFixture.DOMAIN).contains("Pebble Intermediate CA")
                .contains(issued.notAfter().toString()).contains("day(s) left");
        HttpResponse<String> ops = HttpClient.newHttpClient().send(HttpRequest.newBuilder(run.ops("/v1/certificates"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ops.statusCode()).isEqualTo(200);
        assertThat(Json.mapper().readTree(ops.body()).get(0).get("serial").asText()).isEqualTo(issued.serial());
        String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(run.ops("/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).containsPattern("elephant_certificate_expiry_seconds\\{certificate=\"elephant/certificate\"} 77\\d{5}\\.0\n");
        assertThat(metrics).contains("elephant_certificate_attempts_total{certificate=\"elephant/certificate\",outcome=\"issued\"} 1.0");
        assertThat(cli("audit", CHALLENGE)).contains("certificate attempt (first)").contains("certificate:" + SECRET);

        // A valid certificate is not ordered again, across a restart too; the account key is kept.
        String accountKey = run.aws.secret(ACCOUNT_SECRET).orElseThrow();
        run.elephant.close();
        run.elephant = Elephant.start(settings(""));
        Thread.sleep(3000);
        assertThat(phase(CertificateEvent.Phase.ATTEMPT)).hasSize(1);
        assertThat(cli("cert", "renew")).contains("not due");

        // Forced: a new one, from the same account.
        assertThat(cli("cert", "renew", "--force")).contains("issued: serial");
        List<CertificateEvent> both = phase(CertificateEvent.Phase.ISSUED);
        assertThat(both).hasSize(2);
        assertThat(both.get(1).serial()).isNotEqualTo(both.get(0).serial());
        assertThat(phase(CertificateEvent.Phase.ATTEMPT).get(1).reason()).isEqualTo("forced");
        assertThat(both.get(1).account()).isEqualTo(both.get(0).account());
        assertThat(run.aws.secret(ACCOUNT_SECRET)).contains(accountKey);
        assertThat(Pem.serial(Pem.certificates(run.aws.secret(SECRET).orElseThrow()).get(0)))
                .isEqualTo(both.get(1).serial());

        // No key anywhere but the secrets: not in any topic, not in the log.
        String[] keys = {keyBody(stored), keyBody(run.aws.secret(SECRET).orElseThrow()), keyBody(accountKey)};
        StringBuilder everything = new StringBuilder();
        Topics topics = new Topics(run.prefix);
        for (String t : List.of(topics.certificates(), topics.dnsMutations(), topics.deadLetter())) {
            TopicReader.readAllUnchecked(SharedKafka.bootstrapServers(), t).forEach(r -> everything.append(r.value()));
        }
        for (ILoggingEvent e : logs.list) {
            everything.append(e.getFormattedMessage());
            if (e.getThrowableProxy() != null) {
                everything.append(ThrowableProxyUtil.asString(e.getThrowableProxy()));
            }
        }
        everything.append(metrics).append(ops.body()).append(status);
        assertThat(everything.toString()).as("what was scanned holds the history").contains(issued.serial());
        for (String k : keys) {
            assertThat(k).hasSizeGreaterThan(40);
            assertThat(everything.toString()).doesNotContain(k.substring(0, 40));
        }
    }

    @Test
    void onRoute53TheChallengeIsWaitedForUntilInSync() throws Exception {
        startRun(ElephantSettings.DnsProviderKind.ROUTE53);
        pebble = Pebble.start(dir.resolve("pebble"), dnsPort(), Duration.ofDays(90), List.of(), Map.of());
        run.elephant = Elephant.start(settings(""));

        await().atMost(WITHIN).until(() -> !phase(CertificateEvent.Phase.ISSUED).isEmpty());
        X509Certificate leaf = Pem.certificates(run.aws.secret(SECRET).orElseThrow()).get(0);
        leaf.verify(pebble.issuers().get(0).getPublicKey());
        assertThat(run.provider.records()).noneMatch(r -> r.name().startsWith("_acme-challenge"));
        assertThat(challengeMutations()).extracting(m -> m.action() + "/" + m.phase()).containsExactly(
                "CREATE/INTENT", "CREATE/APPLIED", "DELETE/INTENT", "DELETE/APPLIED");
    }

    @Test
    void aCertificateIsRenewedWhenATHirdOfItsLifeIsLeftAndNotBefore() throws Exception {
        startRun(ElephantSettings.DnsProviderKind.CLOUDFLARE);
        // 30 s certificates: due 20 s after issuance (renewBefore, 30 days, is longer than their whole life).
        pebble = Pebble.start(dir.resolve("pebble"), dnsPort(), Duration.ofSeconds(30), List.of(), Map.of());
        run.elephant = Elephant.start(settings(""));

        await().atMost(WITHIN).until(() -> !phase(CertificateEvent.Phase.ISSUED).isEmpty());
        CertificateEvent first = phase(CertificateEvent.Phase.ISSUED).get(0);
        await().atMost(WITHIN).until(() -> phase(CertificateEvent.Phase.ISSUED).size() >= 2);
        List<CertificateEvent> attempts = phase(CertificateEvent.Phase.ATTEMPT);
        assertThat(attempts.get(1).reason()).isEqualTo("due");
        Duration lifetime = Duration.between(first.notBefore(), first.notAfter());
        assertThat(attempts.get(1).time()).as("not before two thirds of its life")
                .isAfterOrEqualTo(first.notAfter().minus(lifetime.dividedBy(3)));
        assertThat(attempts.get(1).time()).as("before it ran out").isBefore(first.notAfter());
    }

    @Test
    void aRefusedOrderFailsClearlyAndIsRetriedWithBackoff() throws Exception {
        startRun(ElephantSettings.DnsProviderKind.CLOUDFLARE);
        pebble = Pebble.start(dir.resolve("pebble"), dnsPort(), Duration.ofDays(90),
                List.of("blocked." + RunFixture.DOMAIN), Map.of());
        run.elephant = Elephant.start(settings("  names: \"blocked." + RunFixture.DOMAIN + "\"\n"));

        await().atMost(WITHIN).until(() -> phase(CertificateEvent.Phase.FAILED).size() >= 2);
        List<CertificateEvent> failed = phase(CertificateEvent.Phase.FAILED);
        assertThat(failed.get(0).error()).contains("refused by the ACME server").contains("rejectedIdentifier");
        assertThat(failed.get(0).retryable()).isFalse();
        assertThat(failed.get(0).nextAttemptAt()).isAfterOrEqualTo(failed.get(0).time().plusSeconds(4));
        assertThat(failed.get(1).time()).isAfterOrEqualTo(failed.get(0).nextAttemptAt());
        assertThat(run.aws.secret(SECRET)).isEmpty();
        assertThat(cli("cert", "status")).contains("none issued yet").contains("rejectedIdentifier")
                .contains("next attempt");
    }

    @Test
    void aChallengeThatCannotBeValidatedFailsAndIsRetried() throws Exception {
        startRun(ElephantSettings.DnsProviderKind.CLOUDFLARE);
        // Pebble asks a name server that does not answer: it never sees the record Elephant wrote.
        pebble = Pebble.start(dir.resolve("pebble"), dev.elephant.app.dev.FreePort.find(), Duration.ofDays(90),
                List.of(), Map.of("PEBBLE_VA_ALWAYS_VALID", "0"));
        run.elephant = Elephant.start(settings(""));

        await().atMost(WITHIN).until(() -> phase(CertificateEvent.Phase.FAILED).size() >= 2);
        CertificateEvent failed = phase(CertificateEvent.Phase.FAILED).get(0);
        assertThat(failed.error()).contains("dns-01 challenge for " + RunFixture.DOMAIN).contains("INVALID");
        assertThat(failed.retryable()).isTrue();
        // Every attempt removed its challenge record, failed or not.
        await().atMost(WITHIN).untilAsserted(() -> assertThat(run.provider.records())
                .noneMatch(r -> r.name().equals(CHALLENGE)));
        assertThat(run.aws.secret(SECRET)).isEmpty();
    }

    @Test
    void aProcessKilledBetweenWritingTheChallengeRecordAndValidatingItLeavesNothingBehind() throws Exception {
        startRun(ElephantSettings.DnsProviderKind.CLOUDFLARE);
        pebble = Pebble.start(dir.resolve("pebble"), dnsPort(), Duration.ofDays(90), List.of(), Map.of());
        settings(""); // writes the configuration file the process reads
        Path config = dir.resolve("elephant.yaml");
        Path output = dir.resolve("elephant.out");
        // SIGKILL as the provider applied the challenge record and before its answer left: the record exists, the
        // intent and the attempt have no outcome. Elephant's first write here is that record (no instances run).
        ElephantProcess first = ElephantProcess.run(output, config, KEY, TOKEN, Map.of());
        boolean killedInside = first.killInsideCall(run.provider::beforeAnsweringAWrite, () -> { }, WITHIN);
        assertThat(killedInside).as("killed inside the challenge record's write").isTrue();
        assertThat(run.provider.records()).anyMatch(r -> r.name().equals(CHALLENGE));
        CertificateEvent cut = phase(CertificateEvent.Phase.ATTEMPT).get(0);
        assertThat(phase(CertificateEvent.Phase.FAILED)).isEmpty();

        ElephantProcess again = ElephantProcess.run(output, config, KEY, TOKEN, Map.of());
        try {
            await().atMost(WITHIN).until(() -> !phase(CertificateEvent.Phase.ISSUED).isEmpty());
        } finally {
            again.close();
        }
        CertificateEvent settled = phase(CertificateEvent.Phase.FAILED).stream()
                .filter(e -> e.attemptId().equals(cut.attemptId())).findFirst().orElseThrow();
        assertThat(settled.error()).contains("interrupted");
        assertThat(settled.detail()).contains("settled after a restart");
        List<DnsMutation> ofTheCut = challengeMutations().stream().filter(m -> cut.attemptId().equals(m.causeId()))
                .toList();
        assertThat(ofTheCut).extracting(m -> m.action() + "/" + m.phase()).containsExactly(
                "CREATE/INTENT", "CREATE/APPLIED", "DELETE/INTENT", "DELETE/APPLIED");
        assertThat(ofTheCut.get(1).error()).contains("settled after a restart");
        assertThat(run.provider.records()).noneMatch(r -> r.name().equals(CHALLENGE));
        assertThat(run.aws.secret(SECRET)).isPresent();
    }

    /** Whether the PEM's private key signs what the certificate's public key verifies. */
    private static boolean keyMatches(String pem, X509Certificate leaf) throws Exception {
        byte[] der = Base64.getMimeDecoder().decode(keyBody(pem));
        var key = KeyFactory.getInstance(leaf.getPublicKey().getAlgorithm()).generatePrivate(new PKCS8EncodedKeySpec(der));
        Signature sign = Signature.getInstance("SHA256withECDSA");
        sign.initSign(key);
        sign.update(new byte[] {1, 2, 3});
        byte[] sig = sign.sign();
        Signature verify = Signature.getInstance("SHA256withECDSA");
        verify.initVerify(leaf.getPublicKey());
        verify.update(new byte[] {1, 2, 3});
        return verify.verify(sig);
    }

    /** The base64 body of the PEM's private key block. */
    private static String keyBody(String pem) {
        int begin = pem.indexOf("PRIVATE KEY-----");
        int end = pem.indexOf("-----END", begin);
        return pem.substring(begin + "PRIVATE KEY-----".length(), end).replace("\n", "").trim();
    }
}
