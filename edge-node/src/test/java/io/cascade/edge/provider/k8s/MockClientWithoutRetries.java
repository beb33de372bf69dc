package io.cascade.edge.provider.k8s;

import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.function.Consumer;

/**
 * The mock server's client, without fabric8's own retries of 5xx answers (ten, with exponential
 * back-off, by default), so an error reaches the provider at once.
 */
public final class MockClientWithoutRetries implements Consumer<KubernetesClientBuilder> {

    @Override
    public void accept(KubernetesClientBuilder builder) {
        builder.editOrNewConfig().withRequestRetryBackoffLimit(0).endConfig();
    }
}
