package dev.elephant.sinks.certificates;

import dev.elephant.sinks.dns.audit.MutationAudit;
import dev.elephant.sinks.dns.provider.ProviderException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Dns01Challenge;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ACME (RFC 8555) issuance with acme4j: the account (its key kept in Secrets Manager, created once), the order,
 * each authorization's DNS-01 challenge answered by a TXT record written through Elephant's provider and removed
 * after, finalization with a CSR for a new key, the chain. It decides nothing about when: that is the manager's.
 */
public final class AcmeIssuer {

    private static final Logger log = LoggerFactory.getLogger(AcmeIssuer.class);

    static {
        // acme4j reads and writes PEM keys and builds CSRs with Bouncy Castle's provider.
        if (Security.getProvider(BouncyCastleProvider.PROVIDER_NAME) == null) {
            Security.addProvider(new BouncyCastleProvider());
        }
    }

    private final CertificateSettings settings;
    private final SecretStore secrets;
    private final ChallengeRecords challenges;
    private volatile String accountUrl;

    public AcmeIssuer(CertificateSettings settings, SecretStore secrets, ChallengeRecords challenges) {
        this.settings = settings;
        this.secrets = secrets;
        this.challenges = challenges;
    }

    /** What an issuance produced: the chain, leaf first, and its new key (kept in memory only until stored). */
    public record Issued(List<X509Certificate> chain, KeyPair key) {
        public X509Certificate leaf() {
            return chain.get(0);
        }
    }

    /** An attempt that came to nothing. The message never holds a key. */
    public static final class Failure extends Exception {
        private final boolean retryable;
        private final Instant retryAfter;

        Failure(String message, boolean retryable, Instant retryAfter, Throwable cause) {
            super(message, cause);
            this.retryable = retryable;
            this.retryAfter = retryAfter;
        }

        public boolean retryable() {
            return retryable;
        }

        /** When the ACME server asked to be tried again (a rate limit's Retry-After), or null. */
        public Instant retryAfter() {
            return retryAfter;
        }
    }

    /** The ACME account's URL once known, else null. */
    public String accountUrl() {
        return accountUrl;
    }

    public Issued issue(List<String> names, String attemptId) throws Failure, InterruptedException {
        Duration timeout = settings.attemptTimeout();
        try {
            Session session = session();
            AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey());
            if (settings.email() != null && !settings.email().isBlank()) {
                builder.addEmail(settings.email());
            }
            Account account = builder.create(session);
            accountUrl = account.getLocation().toString();
            Order order = account.newOrder().domains(names).create();
            for (Authorization authz : order.getAuthorizations()) {
                authorize(authz, attemptId, timeout);
            }
            KeyPair key = settings.keyType().newKeyPair();
            order.execute(key);
            Status status = order.waitForCompletion(timeout);
            if (status != Status.VALID) {
                throw new Failure("the order ended " + status + describe(order.getError()), true, null, null);
            }
            List<X509Certificate> chain = order.getCertificate().getCertificateChain();
            return new Issued(chain, key);
        } catch (AcmeRateLimitedException e) {
            throw new Failure("rate limited by the ACME server: " + describe(e.getProblem()), true,
                    e.getRetryAfter().orElse(null), e);
        } catch (AcmeServerException e) {
            throw new Failure("refused by the ACME server: " + describe(e.getProblem()), !isPermanent(e), null, e);
        } catch (AcmeNetworkException e) {
            throw new Failure("cannot reach the ACME server at " + settings.directory() + ": " + e.getMessage(), true,
                    null, e);
        } catch (AcmeException e) {
            throw new Failure("ACME: " + e.getMessage(), true, null, e);
        } catch (SecretStore.Unavailable e) {
            throw new Failure(e.getMessage(), true, null, e);
        } catch (RuntimeException e) {
            // A defect or a malformed answer: reported as the attempt's outcome, not left as an open attempt.
            throw new Failure("unexpected: " + e, true, null, e);
        }
    }

    /** Orders that can never succeed as asked: retried only on the long backoff, not worth asking again soon. */
    private static boolean isPermanent(AcmeServerException e) {
        String type = String.valueOf(e.getType());
        return type.endsWith(":rejectedIdentifier") || type.endsWith(":unsupportedIdentifier")
                || type.endsWith(":caa");
    }

    private void authorize(Authorization authz, String attemptId, Duration timeout)
            throws AcmeException, Failure, InterruptedException {
        if (authz.getStatus() == Status.VALID) {
            return; // the server reuses an authorization it validated recently
        }
        Dns01Challenge challenge = authz.findChallenge(Dns01Challenge.class).orElseThrow(() -> new Failure(
                "the ACME server offers no dns-01 challenge for " + authz.getIdentifier().getDomain(), false, null,
                null));
        String name = challenges.nameFor(authz.getIdentifier().getDomain());
        try {
            challenges.write(name, challenge.getDigest(), attemptId);
        } catch (ProviderException e) {
            throw new Failure("cannot write the challenge record " + name + ": " + e.getMessage(), true, null, e);
        } catch (MutationAudit.AuditUnavailable e) {
            throw new Failure("cannot audit the challenge record " + name + ": " + e.getMessage(), true, null, e);
        }
        try {
            challenge.trigger();
            Status status = authz.waitForCompletion(timeout);
            if (status != Status.VALID) {
                challenge.fetch();
                throw new Failure("the dns-01 challenge for " + authz.getIdentifier().getDomain() + " ended " + status
                        + describe(challenge.getError()), true, null, null);
            }
        } finally {
            try {
                challenges.remove(name, attemptId, "challenge answered");
            } catch (ProviderException | MutationAudit.AuditUnavailable e) {
                // The next attempt, or the next start, removes what is left; the attempt itself stands.
                log.warn("could not remove the challenge record {} now: {}", name, e.getMessage());
            }
        }
    }

    private static String describe(Optional<Problem> problem) {
        return problem.map(p -> ": " + describe(p)).orElse("");
    }

    private static String describe(Problem p) {
        String type = String.valueOf(p.getType());
        String detail = p.getDetail().orElse(p.getTitle().orElse(""));
        return (type.startsWith("urn:ietf:params:acme:error:") ? type.substring(27) : type)
                + (detail.isEmpty() ? "" : " — " + detail);
    }

    /** The account key from Secrets Manager; made and stored the first time (another instance's, if it was first). */
    private KeyPair accountKey() throws SecretStore.Unavailable, Failure {
        Optional<String> stored = secrets.read(settings.accountKeySecret());
        if (stored.isEmpty()) {
            KeyPair made = KeyPairUtils.createECKeyPair("secp256r1");
            StringWriter pem = new StringWriter();
            try {
                KeyPairUtils.writeKeyPair(made, pem);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            if (secrets.createIfAbsent(settings.accountKeySecret(), pem.toString())) {
                log.info("created the ACME account key in the secret {}", settings.accountKeySecret());
                return made;
            }
            stored = secrets.read(settings.accountKeySecret());
        }
        try {
            return KeyPairUtils.readKeyPair(new StringReader(stored.orElseThrow()));
        } catch (IOException | RuntimeException e) {
            // Never the text: it is a key, or meant to be.
            throw new Failure("the secret " + settings.accountKeySecret() + " does not hold a PEM key pair", false,
                    null, null);
        }
    }

    private Session session() throws Failure {
        URI directory = settings.directory();
        if (settings.directoryCa() == null) {
            return new Session(directory);
        }
        SSLContext tls = trusting(settings.directoryCa());
        return new Session(directory, new GenericAcmeProvider() {
            @Override
            public HttpClient createHttpClient(NetworkSettings network) {
                return HttpClient.newBuilder().connectTimeout(network.getTimeout())
                        .followRedirects(HttpClient.Redirect.NORMAL).sslContext(tls).build();
            }
        });
    }

    /** TLS that trusts the given CA as well as the JDK's. */
    private static SSLContext trusting(String caPem) throws Failure {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            TrustManagerFactory jdk = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            jdk.init((KeyStore) null);
            int i = 0;
            for (var tm : jdk.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate c : x.getAcceptedIssuers()) {
                        store.setCertificateEntry("jdk-" + i++, c);
                    }
                }
            }
            for (X509Certificate c : Pem.certificates(caPem)) {
                store.setCertificateEntry("directory-ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new Failure("certificates.acmeCaCert: " + e.getMessage(), false, null, e);
        }
    }
}
