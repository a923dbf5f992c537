package dev.elephant.sinks.certificates;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * {@code certificates.*} as the certificate manager takes it.
 *
 * @param secret           the Secrets Manager secret the chain and key are stored in, as PEM: also the certificate's
 *                         id, the key of its history on {@code certificates}
 * @param accountKeySecret the secret holding the ACME account's key (PEM), created once and reused
 * @param names            the names the certificate covers, each the domain or under it ({@code *.{domain}})
 * @param renewBefore      renew when fewer than this is left (or a third of the certificate's lifetime, when that is
 *                         less: a short-lived certificate is not renewed the moment it is issued)
 * @param retryMin         the wait after a first failed attempt; doubled after each further one, up to retryMax
 * @param attemptTimeout   how long one order may take, challenges and finalization included
 * @param directoryCa      PEM of a CA to trust for the directory's own TLS (a self-made Pebble), or null for the JDK's
 */
public record CertificateSettings(
        URI directory,
        String email,
        List<String> names,
        KeyType keyType,
        String secret,
        String accountKeySecret,
        Duration renewBefore,
        Duration retryMin,
        Duration retryMax,
        Duration attemptTimeout,
        String directoryCa,
        String domain) {

    public static final URI LETS_ENCRYPT = URI.create("https://acme-v02.api.letsencrypt.org/directory");
    public static final String DEFAULT_SECRET = "elephant/certificate";
    public static final String DEFAULT_ACCOUNT_KEY_SECRET = "elephant/acme-account";
    public static final Duration DEFAULT_RENEW_BEFORE = Duration.ofDays(30);
    /**
     * Let's Encrypt allows 5 failed validations per name per account per hour ("Rate Limits", Authorization Failures
     * per Identifier per Account): 2, 4, 8, 16 and 32 minutes apart stay under it.
     */
    public static final Duration DEFAULT_RETRY_MIN = Duration.ofMinutes(2);
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofHours(6);
    public static final Duration DEFAULT_ATTEMPT_TIMEOUT = Duration.ofMinutes(5);

    public CertificateSettings {
        Objects.requireNonNull(directory, "certificates.directory");
        if (!"https".equals(directory.getScheme()) && !"http".equals(directory.getScheme())) {
            throw new IllegalArgumentException("certificates.directory: '" + directory + "' is not an http(s) URL");
        }
        Objects.requireNonNull(keyType, "certificates.keyType");
        Objects.requireNonNull(domain, "domain");
        names = names.stream().map(n -> n.toLowerCase(Locale.ROOT)).toList();
        if (names.isEmpty()) {
            throw new IllegalArgumentException("certificates.names: at least one name");
        }
        for (String n : names) {
            String base = n.startsWith("*.") ? n.substring(2) : n;
            if (!base.equals(domain) && !base.endsWith("." + domain) || base.contains("*")
                    || !base.matches("[a-z0-9.-]+")) {
                throw new IllegalArgumentException("certificates.names: '" + n + "' is not the domain " + domain
                        + " or a name under it (a wildcard only as the first label)");
            }
        }
        if (secret == null || secret.isBlank() || accountKeySecret == null || accountKeySecret.isBlank()) {
            throw new IllegalArgumentException("certificates.secret and certificates.accountKeySecret must be named");
        }
        if (secret.equals(accountKeySecret)) {
            throw new IllegalArgumentException("certificates.secret and certificates.accountKeySecret must differ");
        }
        for (var d : List.of(renewBefore, retryMin, retryMax, attemptTimeout)) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("certificates: renewBefore, retryMin, retryMax and attemptTimeout"
                        + " must be positive durations");
            }
        }
        if (retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException("certificates.retryMax must not be shorter than certificates.retryMin");
        }
    }

    /** The names by default: every instance's name. */
    public static List<String> defaultNames(String domain) {
        return List.of("*." + domain);
    }
}
