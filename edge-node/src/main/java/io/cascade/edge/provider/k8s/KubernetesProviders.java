package io.cascade.edge.provider.k8s;

import io.cascade.edge.provider.Provider;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Optional;

/**
 * Makes the Kubernetes provider. The one entry into this package from outside: on a device it is called through
 * {@code KubernetesLoader}, which loads this package and fabric8 ({@code lib/k8s}) only when a site uses {@code k8s}.
 */
public final class KubernetesProviders {

    /** fabric8's own retries of one request (100 ms, 200 ms) before a call fails retryably. */
    static final int CLIENT_RETRIES = 2;

    private KubernetesProviders() {}

    /**
     * A provider with its own client (closed with it) for the cluster of {@code context} in the kubeconfig, or the
     * in-cluster service account / KUBECONFIG / ~/.kube/config's current context; it does not connect before its
     * first call.
     */
    public static Provider create(Optional<String> context) {
        Config config = Config.autoConfigure(context.orElse(null));
        // fabric8 retries 5xx, 429 and I/O errors 10 times with exponential back-off by
        // default (minutes); the reconciler backs off with jitter itself, so keep it short
        config.setRequestRetryBackoffLimit(CLIENT_RETRIES);
        KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
        return new KubernetesProvider(client, true);
    }
}
