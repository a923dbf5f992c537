package dev.elephant.sinks.certificates;

import java.util.Optional;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ResourceExistsException;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;

/** {@link SecretStore} on Secrets Manager: {@code GetSecretValue}, {@code PutSecretValue}, {@code CreateSecret}. */
public final class SdkSecretStore implements SecretStore {

    private final SecretsManagerClient client;

    public SdkSecretStore(SecretsManagerClient client) {
        this.client = client;
    }

    @Override
    public Optional<String> read(String name) throws Unavailable {
        try {
            return Optional.ofNullable(client.getSecretValue(r -> r.secretId(name)).secretString());
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        } catch (SdkException e) {
            throw unavailable("read", name, e);
        }
    }

    @Override
    public String write(String name, String value) throws Unavailable {
        try {
            return client.putSecretValue(r -> r.secretId(name).secretString(value)).versionId();
        } catch (ResourceNotFoundException e) {
            try {
                return client.createSecret(r -> r.name(name).secretString(value)
                        .description("Elephant: written by Elephant's certificate manager")).versionId();
            } catch (ResourceExistsException raced) {
                return write(name, value);
            } catch (SdkException e2) {
                throw unavailable("create", name, e2);
            }
        } catch (SdkException e) {
            throw unavailable("write", name, e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, String value) throws Unavailable {
        try {
            client.createSecret(r -> r.name(name).secretString(value)
                    .description("Elephant: the ACME account key, created once and reused"));
            return true;
        } catch (ResourceExistsException e) {
            return false;
        } catch (SdkException e) {
            throw unavailable("create", name, e);
        }
    }

    private static Unavailable unavailable(String what, String name, SdkException e) {
        // The SDK's message names the operation and AWS's error code; request bodies (the value) are never in it.
        return new Unavailable("cannot " + what + " the secret " + name + " in Secrets Manager: " + e.getMessage(), e);
    }
}
