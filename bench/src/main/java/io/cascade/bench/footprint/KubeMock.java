package io.cascade.bench.footprint;

import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * fabric8's mock Kubernetes API server for an edge process's {@code k8s} provider, with a kubeconfig file naming it.
 * CRUD mode keeps what is listed, read and deleted; server-side applies (PATCH with
 * {@code application/apply-patch+yaml}, which CRUD mode answers with 415, fabric8 issues 5337 and 5360) are answered
 * by expectations with the object sent, as the edge's own provider tests do.
 */
final class KubeMock implements AutoCloseable {

    private static final String APPLY_QUERY = "?fieldManager=cascade&force=true";

    private final KubernetesMockServer server;
    private final Path kubeconfig;

    private KubeMock(KubernetesMockServer server, Path kubeconfig) {
        this.server = server;
        this.kubeconfig = kubeconfig;
    }

    /** Starts the server on a free loopback port and writes {@code dir/kubeconfig}. */
    static KubeMock start(Path dir) throws IOException {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        Files.createDirectories(dir);
        Path kubeconfig = Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: http://127.0.0.1:%d
                contexts:
                - name: mock
                  context: {cluster: mock, user: mock, namespace: default}
                current-context: mock
                users:
                - name: mock
                  user: {token: bench}
                """.formatted(server.getPort()));
        return new KubeMock(server, kubeconfig);
    }

    /** Answers every server-side apply of ConfigMap {@code name} in {@code namespace} with the object sent. */
    void acceptApplies(String namespace, String name) {
        server.expect().patch().withPath("/api/v1/namespaces/" + namespace + "/configmaps/" + name + APPLY_QUERY)
                .andReply(200, r -> r.getBody() == null ? null : new String(r.getBody().getBytes(), StandardCharsets.UTF_8))
                .always();
    }

    Path kubeconfig() {
        return kubeconfig;
    }

    @Override
    public void close() {
        server.destroy();
    }
}
