package io.cascade.edge.provider.k8s;

import io.cascade.edge.provider.AppHealth;

import static io.cascade.edge.provider.k8s.MockApi.expectApply;
import static io.cascade.edge.provider.k8s.MockApi.managed;
import static io.cascade.edge.provider.TestBundles.configMap;
import static io.cascade.edge.provider.TestBundles.deployment;
import static io.cascade.edge.provider.TestBundles.desired;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.proto.AppState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * Pruning, removal, status, drift, appliedHash and logs against fabric8's mock API server in CRUD
 * mode: the live objects are created through the client, then the provider is called (its
 * server-side applies are answered by expectations, see {@link MockApi}).
 */
@EnableKubernetesMockClient(https = false, crud = true, kubernetesClientBuilderCustomizer = MockClientWithoutRetries.class)
class KubernetesProviderCrudTest {

    KubernetesMockServer server;
    KubernetesClient client;

    private static final String NS = "cascade-shop";

    @Test
    void objectsThatLeftTheBundleArePrunedAndNothingElse() throws Exception {
        create(managed(configMapObject(NS, "settings"), "shop", "h1"));
        create(managed(configMapObject(NS, "old"), "shop", "h1"));
        create(managed(web(NS, 2, 2), "shop", "h1"));
        create(configMapObject(NS, "foreign"));
        create(managed(configMapObject("cascade-cart", "settings"), "cart", "c1"));
        expectApply(server, "/api/v1/namespaces/" + NS);
        expectApply(server, "/api/v1/namespaces/" + NS + "/configmaps/settings");

        new KubernetesProvider(client, false).apply(desired("shop", 2, "h2", configMap(null, "settings", "color", "red")));

        assertThat(client.configMaps().inNamespace(NS).withName("old").get()).isNull();
        assertThat(client.apps().deployments().inNamespace(NS).withName("web").get()).isNull();
        assertThat(client.configMaps().inNamespace(NS).withName("settings").get()).isNotNull();
        assertThat(client.configMaps().inNamespace(NS).withName("foreign").get()).isNotNull();
        assertThat(client.configMaps().inNamespace("cascade-cart").withName("settings").get()).isNotNull();
    }

    @Test
    void removeDeletesEveryLabelledObjectAndTheAppsNamespace() throws Exception {
        create(managed(namespace(NS), "shop", "h1"));
        create(managed(configMapObject(NS, "settings"), "shop", "h1"));
        create(managed(new SecretBuilder().withNewMetadata().withName("token").withNamespace(NS).endMetadata().build(), "shop", "h1"));
        create(managed(new ServiceBuilder().withNewMetadata().withName("web").withNamespace(NS).endMetadata().build(), "shop", "h1"));
        create(managed(web(NS, 1, 1), "shop", "h1"));
        create(managed(configMapObject("shared", "shop-settings"), "shop", "h1"));
        create(configMapObject("shared", "foreign"));
        KubernetesProvider provider = new KubernetesProvider(client, false);
        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());

        provider.remove("shop");
        provider.remove("shop");

        assertThat(client.namespaces().withName(NS).get()).isNull();
        assertThat(client.configMaps().inAnyNamespace().list().getItems()).extracting(c -> c.getMetadata().getName())
                .containsExactly("foreign");
        assertThat(client.resources(Secret.class).inAnyNamespace().list().getItems()).isEmpty();
        assertThat(client.services().inAnyNamespace().list().getItems()).isEmpty();
        assertThat(client.apps().deployments().inAnyNamespace().list().getItems()).isEmpty();
        assertThat(provider.status("shop")).isEqualTo(AppHealth.absent());
        assertThat(provider.appliedHash("shop")).isEmpty();
    }

    @Test
    void anAppWithNothingLabelledIsPending() throws Exception {
        create(configMapObject(NS, "foreign"));

        KubernetesProvider provider = new KubernetesProvider(client, false);

        assertThat(provider.status("shop")).isEqualTo(AppHealth.absent());
        assertThat(provider.appliedHash("shop")).isEmpty();
    }

    @Test
    void aDeploymentIsApplyingUntilEveryReplicaIsReady() throws Exception {
        create(managed(configMapObject(NS, "settings"), "shop", "h1"));
        create(managed(web(NS, 3, 1), "shop", "h1"));
        KubernetesProvider provider = new KubernetesProvider(client, false);

        assertThat(provider.status("shop")).isEqualTo(new AppHealth(AppState.APPLYING,
                "Deployment cascade-shop/web: 1/3 ready, 3/3 updated"));

        Deployment web = client.apps().deployments().inNamespace(NS).withName("web").get();
        web.getStatus().setReadyReplicas(3);
        client.resource(web).updateStatus();

        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());
    }

    @Test
    void aDeploymentWhoseNewGenerationIsNotObservedYetIsApplying() throws Exception {
        Deployment web = web(NS, 2, 2);
        web.getStatus().setObservedGeneration(0L);
        create(managed(web, "shop", "h1"));

        assertThat(new KubernetesProvider(client, false).status("shop")).isEqualTo(new AppHealth(AppState.APPLYING,
                "Deployment cascade-shop/web: generation 1 not observed yet"));
    }

    @Test
    void aDeploymentPastItsProgressDeadlineIsFailed() throws Exception {
        Deployment web = web(NS, 2, 0);
        web.getStatus().getConditions().add(new DeploymentConditionBuilder()
                .withType("Progressing").withStatus("False").withReason("ProgressDeadlineExceeded")
                .withMessage("ReplicaSet \"web-5d8\" has timed out progressing.").build());
        create(managed(web, "shop", "h1"));

        assertThat(new KubernetesProvider(client, false).status("shop")).isEqualTo(new AppHealth(AppState.FAILED,
                "Deployment cascade-shop/web: ProgressDeadlineExceeded: ReplicaSet \"web-5d8\" has timed out progressing."));
    }

    @Test
    void theAppliedHashIsTheAnnotationAllLabelledObjectsAgreeOn() throws Exception {
        create(managed(namespace(NS), "shop", "h1"));
        create(managed(configMapObject(NS, "settings"), "shop", "h1"));
        create(managed(web(NS, 1, 1), "shop", "h1"));
        KubernetesProvider provider = new KubernetesProvider(client, false);

        assertThat(provider.appliedHash("shop")).contains("h1");
        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());
    }

    @Test
    void objectsWithDifferentHashesAreDriftAndNoAppliedHash() throws Exception {
        create(managed(configMapObject(NS, "settings"), "shop", "h1"));
        create(managed(web(NS, 1, 1), "shop", "h2"));
        KubernetesProvider provider = new KubernetesProvider(client, false);

        assertThat(provider.appliedHash("shop")).isEmpty();
        assertThat(provider.status("shop")).isEqualTo(new AppHealth(AppState.DRIFTED,
                "its objects carry different content hashes [h1, h2]"));
    }

    @Test
    void anObjectChangedOrDeletedAfterAnApplyIsDrift() throws Exception {
        create(managed(configMapObject(NS, "settings"), "shop", "h1"));
        create(managed(web(NS, 1, 1), "shop", "h1"));
        create(managed(namespace(NS), "shop", "h1"));
        expectApply(server, "/api/v1/namespaces/" + NS);
        expectApply(server, "/api/v1/namespaces/" + NS + "/configmaps/settings");
        expectApply(server, "/apis/apps/v1/namespaces/" + NS + "/deployments/web");
        KubernetesProvider provider = new KubernetesProvider(client, false);
        provider.apply(desired("shop", 1, "h1", configMap(null, "settings", "color", "blue"), deployment(null, "web", "nginx:1.27", 1)));
        assertThat(provider.status("shop")).isEqualTo(AppHealth.ready());

        client.configMaps().inNamespace(NS).withName("settings")
                .edit(c -> managed(c, "shop", "h0"));
        client.apps().deployments().inNamespace(NS).withName("web").delete();

        assertThat(provider.status("shop")).isEqualTo(new AppHealth(AppState.DRIFTED,
                "Deployment cascade-shop/web is missing; ConfigMap cascade-shop/settings carries content hash h0, applied h1"));
        assertThat(provider.appliedHash("shop")).isEmpty();
    }

    @Test
    void logsAreTheLastLinesOfTheWorkloadsPodsMergedByTime() throws Exception {
        create(managed(web(NS, 2, 2), "shop", "h1"));
        create(pod("web-a", "web"));
        create(pod("web-b", "web"));
        create(pod("other", "other"));
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/web-a/log?pretty=false&container=app&tailLines=3&timestamps=true")
                .andReturn(200, """
                        2026-01-01T10:00:01.5Z starting
                        2026-01-01T10:00:03Z serving on :8080
                        2026-01-01T10:00:05.123456789Z GET /healthz 200
                        """).always();
        server.expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/web-b/log?pretty=false&container=app&tailLines=3&timestamps=true")
                .andReturn(200, """
                        2026-01-01T10:00:02Z starting
                        2026-01-01T10:00:04.25Z serving on :8080
                        """).always();

        assertThat(new KubernetesProvider(client, false).logs("shop", 3)).containsExactly(
                "[web-a/app] serving on :8080",
                "[web-b/app] serving on :8080",
                "[web-a/app] GET /healthz 200");
    }

    private void create(HasMetadata object) {
        client.resource(object).create();
    }

    private static Namespace namespace(String name) {
        return new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build();
    }

    private static ConfigMap configMapObject(String namespace, String name) {
        return new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .addToData("color", "blue").build();
    }

    /** A Deployment "web" of {@code replicas}, {@code ready} of them ready, its generation (1) observed. */
    private static Deployment web(String namespace, int replicas, int ready) {
        return new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace(namespace).endMetadata()
                .withNewSpec().withReplicas(replicas)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("nginx:1.27").endContainer().endSpec()
                .endTemplate().endSpec()
                .withStatus(new DeploymentStatusBuilder().withObservedGeneration(1L).withReplicas(replicas)
                        .withUpdatedReplicas(replicas).withReadyReplicas(ready).build())
                .build();
    }

    private static Pod pod(String name, String app) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace(NS).addToLabels("app", app).endMetadata()
                .withNewSpec().addNewContainer().withName("app").withImage("nginx:1.27").endContainer().endSpec()
                .build();
    }
}
