package dev.elephant.sinks.certificates;

import java.security.KeyPair;
import java.util.Locale;
import org.shredzone.acme4j.util.KeyPairUtils;

/** The certificate key's type ({@code certificates.keyType}): a new key of it for every certificate issued. */
public enum KeyType {
    /** ECDSA on P-256: small, fast, what every current browser takes. */
    EC_P256("ec-p256"),
    /** RSA 2048, for clients that take nothing else. */
    RSA_2048("rsa-2048");

    private final String text;

    KeyType(String text) {
        this.text = text;
    }

    /** As written in the configuration. */
    public String text() {
        return text;
    }

    public static KeyType parse(String s) {
        for (KeyType k : values()) {
            if (k.text.equals(s.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("'" + s + "' is not a key type: ec-p256 or rsa-2048");
    }

    KeyPair newKeyPair() {
        return this == EC_P256 ? KeyPairUtils.createECKeyPair("secp256r1") : KeyPairUtils.createKeyPair(2048);
    }
}
