package dev.elephant.app.config;

import java.io.IOException;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.SecretsManagerException;

/** {@code GetSecretValue} through the AWS SDK v2, with credentials from the default chain. */
public final class SecretsManagerReader implements RunConfig.SecretReader {

    @Override
    public String read(String secretId, String region, URI endpoint) throws IOException {
        var builder = SecretsManagerClient.builder()
                .region(Region.of(region))
                .credentialsProvider(DefaultCredentialsProvider.builder().build())
                .httpClientBuilder(ApacheHttpClient.builder());
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        try (SecretsManagerClient client = builder.build()) {
            return client.getSecretValue(r -> r.secretId(secretId)).secretString();
        } catch (SecretsManagerException e) {
            // The error code and message name the secret and the reason, never its value.
            throw new IOException(e.awsErrorDetails() == null ? e.getClass().getSimpleName()
                    : e.awsErrorDetails().errorCode() + ": " + e.awsErrorDetails().errorMessage(), e);
        } catch (SdkException e) {
            throw new IOException(e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
