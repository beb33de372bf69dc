package io.cascade.topology.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code cascade topology render --ha}: the hub and each region as StatefulSets of 3 pods with stable names, per-pod
 * nats-server configs (routes to every pod, leaf remotes to every hub pod) in a Secret, a headless Service, a
 * PodDisruptionBudget and readiness on JetStream health; the YAML applied to fabric8's mock API server.
 */
@EnableKubernetesMockClient(https = false, crud = true)
class HaManifestsTest {

    KubernetesClient client;

    static final RenderedManifests HA = RenderedManifests.demoHa();
    static final List<String> WORKLOADS = List.of("demo-hub", "demo-relay-eu", "demo-relay-us");

    @Test
    void everyTierIsAStatefulSetOfThreePodsStartedTogetherBehindAHeadlessService() {
        for (String w : WORKLOADS) {
            StatefulSet sts = HA.get(StatefulSet.class, w);
            assertThat(sts.getSpec().getReplicas()).isEqualTo(3);
            assertThat(sts.getSpec().getPodManagementPolicy()).isEqualTo("Parallel");
            assertThat(sts.getSpec().getServiceName()).isEqualTo(w + "-cluster");
            Service headless = HA.get(Service.class, w + "-cluster");
            assertThat(headless.getSpec().getClusterIP()).isEqualTo("None");
            assertThat(headless.getSpec().getPublishNotReadyAddresses()).isTrue();
            assertThat(headless.getSpec().getPorts()).extracting(p -> p.getName()).contains("cluster");
            PodDisruptionBudget pdb = HA.get(PodDisruptionBudget.class, w);
            assertThat(pdb.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
            assertThat(pdb.getSpec().getSelector().getMatchLabels()).isEqualTo(sts.getSpec().getSelector().getMatchLabels());

            Container nats = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
            assertThat(nats.getArgs()).containsExactly("-c", "/etc/nats/$(POD_NAME).conf");
            assertThat(nats.getEnv()).anyMatch(e -> e.getName().equals("POD_NAME")
                    && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name"));
            assertThat(nats.getReadinessProbe().getHttpGet().getPath()).as("ready: JetStream healthy").isEqualTo("/healthz");
            assertThat(nats.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/healthz?js-enabled-only=true");
            assertThat(sts.getSpec().getTemplate().getSpec().getVolumes())
                    .anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals(w + "-nats"));
            Container service = sts.getSpec().getTemplate().getSpec().getContainers().get(1);
            assertThat(String.join(" ", service.getArgs())).contains("--replicas 3");
        }
    }

    @Test
    void eachPodHasItsOwnConfigWithRoutesToEveryPodAndRelaysListEveryHubPod() {
        for (String w : WORKLOADS) {
            Secret confs = HA.get(Secret.class, w + "-nats");
            assertThat(confs.getStringData()).containsOnlyKeys(w + "-0.conf", w + "-1.conf", w + "-2.conf");
            for (int i = 0; i < 3; i++) {
                String conf = confs.getStringData().get(w + "-" + i + ".conf");
                assertThat(conf).contains("server_name: \"" + w + "-" + i + "\"", "cluster {", "listen: \"0.0.0.0:6222\"");
                for (int j = 0; j < 3; j++) {
                    assertThat(conf).contains(w + "-" + j + "." + w + "-cluster.cascade.svc:6222");
                }
            }
        }
        String relay = HA.get(Secret.class, "demo-relay-eu-nats").getStringData().get("demo-relay-eu-1.conf");
        for (int j = 0; j < 3; j++) {
            assertThat(relay).contains("demo-hub-" + j + ".demo-hub-cluster.cascade.svc:7422");
        }
        assertThat(HA.get(Secret.class, "demo-hub-nats").getStringData().get("demo-hub-2.conf"))
                .as("each hub pod advertises its own leaf address").contains("demo-hub-2.demo-hub-cluster.cascade.svc:7422");
    }

    @Test
    void theYamlAppliesToAKubernetesApiServer() {
        List<HasMetadata> applied = client.load(new ByteArrayInputStream(HA.yaml().getBytes(StandardCharsets.UTF_8)))
                .inNamespace("cascade").createOrReplace();
        assertThat(applied).hasSameSizeAs(HA.objects());
        for (String w : WORKLOADS) {
            assertThat(client.apps().statefulSets().inNamespace("cascade").withName(w).get().getSpec().getReplicas()).isEqualTo(3);
            assertThat(client.policy().v1().podDisruptionBudget().inNamespace("cascade").withName(w).get()).isNotNull();
            assertThat(client.services().inNamespace("cascade").withName(w + "-cluster").get().getSpec().getClusterIP())
                    .isEqualTo("None");
            assertThat(client.secrets().inNamespace("cascade").withName(w + "-trust").get()).isNotNull();
        }
    }
}
