package dev.elephant.events;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** TLS from PEM files, as operators have them: a certificate chain and a PKCS#8 private key. */
public final class PemTls {

    private PemTls() {}

    /** A server context presenting {@code certificateChain} with {@code privateKey}. */
    public static SSLContext server(Path certificateChain, Path privateKey) throws IOException {
        try {
            Certificate[] chain = certificates(certificateChain).toArray(new Certificate[0]);
            if (chain.length == 0) {
                throw new IOException(certificateChain + " holds no PEM certificate");
            }
            PrivateKey key = privateKey(privateKey);
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] password = new char[0];
            store.setKeyEntry("elephant", key, password, chain);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, password);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use " + certificateChain + " and " + privateKey + " for TLS: " + e.getMessage(), e);
        }
    }

    /** A client context that trusts exactly the certificates in {@code trusted}. */
    public static SSLContext trusting(Path trusted) throws IOException {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager(trusted)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + trusted + ": " + e.getMessage(), e);
        }
    }

    /** A trust manager that trusts exactly the certificates in {@code trusted}. */
    public static X509TrustManager trustManager(Path trusted) throws IOException {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (Certificate c : certificates(trusted)) {
                store.setCertificateEntry("trusted-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            for (TrustManager tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x509) {
                    return x509;
                }
            }
            throw new GeneralSecurityException("no X.509 trust manager");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot trust " + trusted + ": " + e.getMessage(), e);
        }
    }

    /** The first certificate of the chain in {@code pem}: the one a server presents as its own. */
    public static X509Certificate leaf(Path pem) throws IOException {
        try {
            for (Certificate c : certificates(pem)) {
                if (c instanceof X509Certificate x509) {
                    return x509;
                }
            }
            throw new IOException(pem + " holds no X.509 certificate");
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot read " + pem + ": " + e.getMessage(), e);
        }
    }

    private static Collection<? extends Certificate> certificates(Path pem) throws IOException, GeneralSecurityException {
        byte[] bytes = Files.readAllBytes(pem);
        return CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(bytes));
    }

    private static PrivateKey privateKey(Path pem) throws IOException, GeneralSecurityException {
        String text = Files.readString(pem, StandardCharsets.US_ASCII);
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
            throw new IOException(pem + " holds a PKCS#1/SEC1 key; convert it to PKCS#8 with "
                    + "`openssl pkcs8 -topk8 -nocrypt -in key.pem -out key-pkcs8.pem`");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IOException(pem + " holds no unencrypted PKCS#8 private key (-----BEGIN PRIVATE KEY-----)");
        }
        byte[] der = Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String algorithm : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new IOException(pem + " holds a private key of an unsupported algorithm", last);
    }
}
