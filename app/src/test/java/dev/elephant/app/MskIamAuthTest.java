package dev.elephant.app;

import static org.assertj.core.api.Assertions.assertThatCode;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/** Amazon MSK's IAM authentication is on the classpath: a client configured for it can be built. */
class MskIamAuthTest {

    @Test
    void clientConfiguredForMskIamStarts() {
        Map<String, Object> props = Map.of(
                "bootstrap.servers", "127.0.0.1:1",
                "security.protocol", "SASL_SSL",
                "sasl.mechanism", "AWS_MSK_IAM",
                "sasl.jaas.config", "software.amazon.msk.auth.iam.IAMLoginModule required;",
                "sasl.client.callback.handler.class", "software.amazon.msk.auth.iam.IAMClientCallbackHandler");
        assertThatCode(() -> Admin.create(props).close()).doesNotThrowAnyException();
    }
}
