package dev.elephant.sinks.certificates;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/** PEM text of certificates and keys, and the facts Elephant records about a certificate. */
public final class Pem {

    private static final Base64.Encoder BASE64 = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

    private Pem() {}

    /** The chain (leaf first) then the key as PKCS#8: one text nginx, HAProxy and openssl all read. */
    static String chainAndKey(List<X509Certificate> chain, PrivateKey key) {
        StringBuilder out = new StringBuilder();
        try {
            for (X509Certificate c : chain) {
                out.append(block("CERTIFICATE", c.getEncoded()));
            }
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException("cannot encode the certificate", e);
        }
        out.append(block("PRIVATE KEY", key.getEncoded()));
        return out.toString();
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + BASE64.encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** The certificates in a PEM text, in order (keys and anything else skipped). */
    public static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        int from = 0;
        String begin = "-----BEGIN CERTIFICATE-----";
        String end = "-----END CERTIFICATE-----";
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            while ((from = pem.indexOf(begin, from)) >= 0) {
                int stop = pem.indexOf(end, from);
                if (stop < 0) {
                    break;
                }
                String block = pem.substring(from, stop + end.length());
                out.add((X509Certificate) factory.generateCertificate(
                        new ByteArrayInputStream(block.getBytes(StandardCharsets.US_ASCII))));
                from = stop + end.length();
            }
        } catch (CertificateException e) {
            throw new IllegalArgumentException("not a PEM certificate: " + e.getMessage(), e);
        }
        return out;
    }

    public static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String serial(X509Certificate c) {
        return c.getSerialNumber().toString(16);
    }
}
