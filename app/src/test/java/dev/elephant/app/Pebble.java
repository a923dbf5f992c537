package dev.elephant.app;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import dev.elephant.app.dev.FreePort;
import dev.elephant.events.PemTls;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Let's Encrypt's test ACME server, Pebble (Debian's {@code pebble}, installed by {@code .ci/run}), on loopback ports,
 * validating DNS-01 challenges by real DNS queries to {@code dnsPort} (the provider stand-in's name server). Its TLS
 * certificate and the CA that signs it are made here: the package ships none.
 */
final class Pebble implements AutoCloseable {

    static final String BINARY = "/usr/bin/pebble";
    private final Process process;
    private final int port;
    private final int managementPort;
    private final Path caFile;
    private final Path log;

    private Pebble(Process process, int port, int managementPort, Path caFile, Path log) {
        this.process = process;
        this.port = port;
        this.managementPort = managementPort;
        this.caFile = caFile;
        this.log = log;
    }

    static boolean installed() {
        return Files.isExecutable(Path.of(BINARY));
    }

    /**
     * @param validity   how long the certificates it issues are valid
     * @param blocklist  names it refuses to issue for (rejectedIdentifier)
     * @param env        PEBBLE_* switches beside the defaults (no random sleeps, no rejected nonces, no authz reuse)
     */
    static Pebble start(Path dir, int dnsPort, Duration validity, List<String> blocklist, Map<String, String> env)
            throws Exception {
        Files.createDirectories(dir);
        KeyPair caKey = ecKey();
        X500Name caName = new X500Name("CN=Elephant test CA for Pebble's TLS");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder ca = new JcaX509v3CertificateBuilder(caName, BigInteger.ONE,
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), caName, caKey.getPublic());
        ca.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        ca.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        X509Certificate caCert = sign(ca, caKey);
        KeyPair tlsKey = ecKey();
        JcaX509v3CertificateBuilder leaf = new JcaX509v3CertificateBuilder(caName, BigInteger.TWO,
                Date.from(now.minusSeconds(60)), Date.from(now.plus(Duration.ofDays(1))), new X500Name("CN=localhost"),
                tlsKey.getPublic());
        leaf.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
        leaf.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate tlsCert = sign(leaf, caKey);
        Files.writeString(dir.resolve("tls-cert.pem"), pem("CERTIFICATE", tlsCert.getEncoded()));
        Files.writeString(dir.resolve("tls-key.pem"), pem("PRIVATE KEY", tlsKey.getPrivate().getEncoded()));
        Files.writeString(dir.resolve("tls-ca.pem"), pem("CERTIFICATE", caCert.getEncoded()));

        int port = FreePort.find();
        int management = FreePort.find();
        StringWriter blocked = new StringWriter();
        for (String b : blocklist) {
            blocked.append(blocked.getBuffer().length() == 0 ? "" : ",").append('"').append(b).append('"');
        }
        Files.writeString(dir.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d, "ocspResponderURL": "",
                  "externalAccountBindingRequired": false, "domainBlocklist": [%s],
                  "certificateValidityPeriod": %d}}
                """.formatted(port, management, dir.resolve("tls-cert.pem"), dir.resolve("tls-key.pem"),
                FreePort.find(), FreePort.find(), blocked, validity.toSeconds()));
        Path log = dir.resolve("pebble.log");
        ProcessBuilder pb = new ProcessBuilder(BINARY, "-config", dir.resolve("pebble.json").toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        pb.environment().put("PEBBLE_AUTHZREUSE", "0");
        pb.environment().putAll(env);
        Pebble pebble = new Pebble(pb.start(), port, management, dir.resolve("tls-ca.pem"), log);
        HttpClient client = HttpClient.newBuilder().sslContext(PemTls.trusting(dir.resolve("tls-ca.pem"))).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            try {
                if (client.send(HttpRequest.newBuilder(pebble.directory()).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return pebble;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (System.nanoTime() > deadline || !pebble.process.isAlive()) {
                pebble.close();
                throw new IllegalStateException("Pebble did not start: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    URI directory() {
        return URI.create("https://127.0.0.1:" + port + "/dir");
    }

    /** The CA of Pebble's own TLS, a PEM file. */
    Path tlsCa() {
        return caFile;
    }

    /** The intermediate that signs what Pebble issues (from its management interface; new at every start). */
    List<X509Certificate> issuers() throws Exception {
        HttpClient trustAll = HttpClient.newBuilder().sslContext(PemTls.trusting(caFile)).build();
        List<X509Certificate> out = new ArrayList<>();
        for (String path : List.of("/intermediates/0", "/roots/0")) {
            String body = trustAll.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + managementPort
                    + path)).build(), HttpResponse.BodyHandlers.ofString()).body();
            out.addAll(dev.elephant.sinks.certificates.Pem.certificates(body));
        }
        return out;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(256);
        return g.generateKeyPair();
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair signer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(signer.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
