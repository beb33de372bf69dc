package io.cascade.edge.provider.k8s;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.AppHealth;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;

import static io.cascade.edge.provider.k8s.MockApi.expectApply;
import static io.cascade.edge.provider.k8s.MockApi.query;
import static io.cascade.edge.provider.k8s.MockApi.requests;
import static io.cascade.edge.provider.TestBundles.configMap;
import static io.cascade.edge.provider.TestBundles.deployment;
import static io.cascade.edge.provider.TestBundles.desired;
import static io.cascade.edge.provider.TestBundles.manifest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cascade.proto.AppState;
import io.cascade.proto.Resource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.net.ServerSocket;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server-side-apply requests the Kubernetes provider sends, against fabric8's mock API server. */
@EnableKubernetesMockClient(https = false, crud = true, kubernetesClientBuilderCustomizer = MockClientWithoutRetries.class)
class KubernetesProviderApplyTest {

    KubernetesMockServer server;
    KubernetesClient client;

    private static final String NAMESPACE = "/api/v1/namespaces/cascade-shop";
    private static final String SETTINGS = NAMESPACE + "/configmaps/settings";
    private static final String WEB = "/apis/apps/v1/namespaces/cascade-shop/deployments/web";

    @Test
    void everyObjectIsServerSideAppliedIntoTheAppsNamespaceLabelledAndAnnotated() throws Exception {
        expectApply(server, NAMESPACE);
        expectApply(server, SETTINGS);
        expectApply(server, WEB);
        KubernetesProvider provider = new KubernetesProvider(client, false);

        provider.apply(desired("shop", 1, "h1", deployment(null, "web", "nginx:1.27", 2), configMap(null, "settings", "color", "blue")));

        List<RecordedRequest> patches = requests(server).stream().filter(r -> r.getMethod().equals("PATCH")).toList();
        assertThat(patches).extracting(RecordedRequest::getPath).containsExactly(
                NAMESPACE + MockApi.APPLY_QUERY, SETTINGS + MockApi.APPLY_QUERY, WEB + MockApi.APPLY_QUERY);
        for (RecordedRequest patch : patches) {
            assertThat(patch.getHeader("Content-Type")).startsWith("application/apply-patch+yaml");
            assertThat(query(patch.getPath())).containsEntry("fieldManager", "cascade").containsEntry("force", "true");
            GenericKubernetesResource body = parse(patch);
            assertThat(body.getMetadata().getLabels())
                    .containsEntry("app.kubernetes.io/managed-by", "cascade")
                    .containsEntry("cascade.io/app", "shop");
            assertThat(body.getMetadata().getAnnotations()).containsEntry("cascade.io/content-hash", "h1");
            assertThat(body.getMetadata().getResourceVersion()).isNull();
        }
        GenericKubernetesResource namespace = parse(patches.get(0));
        assertThat(namespace.getKind()).isEqualTo("Namespace");
        assertThat(namespace.getMetadata().getName()).isEqualTo("cascade-shop");
        GenericKubernetesResource web = parse(patches.get(2));
        assertThat(web.getMetadata().getNamespace()).isEqualTo("cascade-shop");
        assertThat(web.getMetadata().getLabels()).containsEntry("app", "web");
        assertThat(web.<String>get("spec", "template", "spec", "containers", 0, "image")).isEqualTo("nginx:1.27");
        assertThat(parse(patches.get(1)).<String>get("data", "color")).isEqualTo("blue");
    }

    @Test
    void anObjectThatNamesItsNamespaceKeepsItAndNoAppNamespaceIsMade() throws Exception {
        expectApply(server, "/api/v1/namespaces/shared/configmaps/settings");
        expectApply(server, "/api/v1/namespaces/infra/configmaps/limits");
        expectApply(server, "/apis/rbac.authorization.k8s.io/v1/clusterroles/shop-reader");
        Resource ownNamespace = configMap("shared", "settings", "color", "blue");
        Resource manifestNamespace = manifest("ConfigMap", null, "limits", """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: limits, namespace: infra}
                data: {cpu: "2"}
                """);
        Resource clusterScoped = manifest("ClusterRole", null, "shop-reader", """
                apiVersion: rbac.authorization.k8s.io/v1
                kind: ClusterRole
                metadata: {name: shop-reader}
                rules: [{apiGroups: [""], resources: [configmaps], verbs: [get]}]
                """);

        new KubernetesProvider(client, false).apply(desired("shop", 1, "h1", ownNamespace, manifestNamespace, clusterScoped));

        List<RecordedRequest> patches = requests(server).stream().filter(r -> r.getMethod().equals("PATCH")).toList();
        assertThat(patches).extracting(r -> r.getPath().replace(MockApi.APPLY_QUERY, "")).containsExactly(
                "/api/v1/namespaces/shared/configmaps/settings",
                "/api/v1/namespaces/infra/configmaps/limits",
                "/apis/rbac.authorization.k8s.io/v1/clusterroles/shop-reader");
        assertThat(parse(patches.get(2)).getMetadata().getNamespace()).isNull();
    }

    @Test
    void aValidationErrorIsNotRetryableAndCarriesTheApiServersMessage() throws Exception {
        expectApply(server, NAMESPACE);
        server.expect().patch().withPath(WEB + MockApi.APPLY_QUERY).andReturn(422, new StatusBuilder()
                .withStatus("Failure").withCode(422).withReason("Invalid")
                .withMessage("Deployment.apps \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0")
                .build()).once();
        KubernetesProvider provider = new KubernetesProvider(client, false);

        assertThatThrownBy(() -> provider.apply(desired("shop", 2, "h2", deployment(null, "web", "nginx:1.27", -1))))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage("apply Deployment cascade-shop/web: HTTP 422: Deployment.apps \"web\" is invalid: "
                        + "spec.replicas: Invalid value: -1: must be greater than or equal to 0");

        AppHealth health = provider.status("shop");
        assertThat(health.state()).isEqualTo(AppState.FAILED);
        assertThat(health.message()).startsWith("apply revision 2 failed: apply Deployment cascade-shop/web: HTTP 422");
    }

    @Test
    void conflictsAndServerErrorsAreRetryable() {
        server.expect().patch().withPath(NAMESPACE + MockApi.APPLY_QUERY).andReturn(409, new StatusBuilder()
                .withCode(409).withReason("Conflict").withMessage("Operation cannot be fulfilled").build()).once();
        server.expect().patch().withPath(NAMESPACE + MockApi.APPLY_QUERY).andReturn(503, new StatusBuilder()
                .withCode(503).withMessage("etcdserver: leader changed").build()).once();
        KubernetesProvider provider = new KubernetesProvider(client, false);
        AppDesired desired = desired("shop", 1, "h1", configMap(null, "settings", "color", "blue"));

        assertThatThrownBy(() -> provider.apply(desired))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessage("apply Namespace cascade-shop: HTTP 409: Operation cannot be fulfilled");
        assertThatThrownBy(() -> provider.apply(desired))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessage("apply Namespace cascade-shop: HTTP 503: etcdserver: leader changed");
    }

    @Test
    void anUnreachableApiServerIsRetryable() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (KubernetesClient nowhere = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).build()).build()) {
            KubernetesProvider provider = new KubernetesProvider(nowhere, false);

            assertThatThrownBy(() -> provider.apply(desired("shop", 1, "h1", configMap(null, "settings", "color", "blue"))))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("apply Namespace cascade-shop: API server unreachable: ");
            assertThatThrownBy(() -> provider.appliedHash("shop"))
                    .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isTrue())
                    .hasMessageStartingWith("list Namespace objects of app shop: API server unreachable: ");
            assertThat(provider.status("shop").state()).isEqualTo(AppState.FAILED);
        }
    }

    @Test
    void resourcesThatAreNotKubernetesObjectsAreRejectedBeforeAnyRequest() throws Exception {
        KubernetesProvider provider = new KubernetesProvider(client, false);
        Resource binary = Resource.newBuilder().setKind("File").setName("logo.png").setData(ByteString.copyFrom(new byte[] {1})).build();
        Resource misnamed = manifest("ConfigMap", null, "settings", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: other}\n");
        Resource conflicting = manifest("ConfigMap", "a", "settings", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: b}\n");

        assertRejected(provider, desired("shop", 1, "h1", binary),
                "resource File logo.png: the Kubernetes provider applies manifests; binary data is for the manifest-directory provider");
        assertRejected(provider, desired("shop", 1, "h1", misnamed), "resource ConfigMap settings: its manifest is ConfigMap other");
        assertRejected(provider, desired("shop", 1, "h1", conflicting),
                "resource ConfigMap a/settings: its manifest says namespace b, the resource a");
        assertRejected(provider, desired("a-very-long-app-name-that-leaves-no-room-for-its-namespace-x", 1, "h1"),
                "app name a-very-long-app-name-that-leaves-no-room-for-its-namespace-x is too long for its namespace "
                        + "cascade-a-very-long-app-name-that-leaves-no-room-for-its-namespace-x (at most 63 characters)");
        assertThat(requests(server)).isEmpty();
    }

    private static void assertRejected(Provider provider, AppDesired desired, String message) {
        assertThatThrownBy(() -> provider.apply(desired))
                .isInstanceOfSatisfying(ProviderException.class, e -> assertThat(e.retryable()).isFalse())
                .hasMessage(message);
    }

    private GenericKubernetesResource parse(RecordedRequest request) {
        return client.getKubernetesSerialization().unmarshal(MockApi.body(request), GenericKubernetesResource.class);
    }
}
