package io.cascade.edge.provider.k8s;

import io.cascade.edge.provider.AppHealth;

import static io.cascade.edge.provider.TestBundles.configMap;
import static io.cascade.edge.provider.TestBundles.deployment;
import static io.cascade.edge.provider.TestBundles.desired;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.proto.AppState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Kubernetes provider against a real K3s cluster in a container: real server-side apply,
 * rollout, prune and removal. Skipped where no Docker engine runs.
 */
@Testcontainers(disabledWithoutDocker = true)
class KubernetesProviderK3sIT {

    /** An image every K3s node pulls anyway (its pod sandbox), so the Deployment needs nothing else. */
    private static final String IMAGE = "rancher/mirrored-pause:3.6";

    @Container
    static final K3sContainer K3S = new K3sContainer(DockerImageName.parse("rancher/k3s:v1.31.4-k3s1"));

    @Test
    void aConfigMapAndADeploymentBecomeReadyAreUpdatedPrunedAndRemoved() throws Exception {
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(K3S.getKubeConfigYaml())).build();
             KubernetesProvider provider = new KubernetesProvider(client, false)) {

            provider.apply(desired("shop", 1, "h1", configMap(null, "settings", "color", "blue"), deployment(null, "web", IMAGE, 1)));

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> provider.status("shop"), h -> h.state() == AppState.READY);
            assertThat(provider.appliedHash("shop")).contains("h1");
            ConfigMap settings = client.configMaps().inNamespace("cascade-shop").withName("settings").get();
            assertThat(settings.getMetadata().getManagedFields())
                    .anyMatch(f -> "cascade".equals(f.getManager()) && "Apply".equals(f.getOperation()));

            provider.apply(desired("shop", 2, "h2", deployment(null, "web", IMAGE, 2)));

            assertThat(client.configMaps().inNamespace("cascade-shop").withName("settings").get()).isNull();
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> provider.status("shop"), h -> h.state() == AppState.READY);
            assertThat(provider.appliedHash("shop")).contains("h2");

            provider.remove("shop");

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> provider.status("shop"), h -> h.equals(AppHealth.absent()));
        }
    }
}
