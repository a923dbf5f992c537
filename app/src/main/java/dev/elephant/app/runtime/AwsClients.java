package dev.elephant.app.runtime;

import java.time.Duration;
import java.util.function.Consumer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;

/** Every AWS SDK client of Elephant's is made here, the same way: region, endpoint, credentials, a bound per call. */
final class AwsClients {

    private AwsClients() {}

    static <C, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C build(B builder,
            ElephantSettings.Aws aws, Duration callTimeout) {
        return build(builder, aws, callTimeout, o -> { });
    }

    /** @param override more of the client's configuration (its retries, interceptors) */
    static <C, B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>> C build(B builder,
            ElephantSettings.Aws aws, Duration callTimeout, Consumer<ClientOverrideConfiguration.Builder> override) {
        ClientOverrideConfiguration.Builder config = ClientOverrideConfiguration.builder().apiCallTimeout(callTimeout);
        override.accept(config);
        builder.region(Region.of(aws.region()))
                .httpClientBuilder(ApacheHttpClient.builder().connectionTimeout(Duration.ofSeconds(1)))
                .overrideConfiguration(config.build());
        if (aws.endpoint() != null) {
            builder.endpointOverride(aws.endpoint());
        }
        builder.credentialsProvider(aws.local()
                ? StaticCredentialsProvider.create(AwsBasicCredentials.create("elephant-local", "elephant-local"))
                : DefaultCredentialsProvider.builder().build());
        return builder.build();
    }
}
