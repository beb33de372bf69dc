package io.cascade.edge.provider.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Helpers for fabric8's mock API server. Its CRUD mode answers server-side apply (PATCH with
 * {@code application/apply-patch+yaml}) with 415 (fabric8 issues 5337, 5360), so the tests
 * expect those PATCHes explicitly and answer them with the applied object; in CRUD mode the
 * expectation is served first and everything else (list, get, delete) by the CRUD store.
 */
final class MockApi {

    static final String APPLY_QUERY = "?fieldManager=cascade&force=true";

    private MockApi() {}

    /** Answers every server-side apply to {@code path} (no query) with the object it sent. */
    static void expectApply(KubernetesMockServer server, String path) {
        server.expect().patch().withPath(path + APPLY_QUERY).andReply(200, MockApi::body).always();
    }

    /**
     * The body of a request, without consuming it ({@code getUtf8Body()} empties the buffer, so an
     * answer built from it would leave nothing for the test to read).
     */
    static String body(RecordedRequest request) {
        return request.getBody() == null ? null : new String(request.getBody().getBytes(), StandardCharsets.UTF_8);
    }

    /** Every request the server received so far, oldest first. */
    static List<RecordedRequest> requests(KubernetesMockServer server) throws InterruptedException {
        List<RecordedRequest> all = new ArrayList<>();
        for (RecordedRequest r; (r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null; ) {
            all.add(r);
        }
        return all;
    }

    /** The query parameters of a request path. */
    static Map<String, String> query(String path) {
        Map<String, String> params = new LinkedHashMap<>();
        int q = path.indexOf('?');
        if (q >= 0) {
            for (String pair : path.substring(q + 1).split("&")) {
                int eq = pair.indexOf('=');
                params.put(pair.substring(0, eq), pair.substring(eq + 1));
            }
        }
        return params;
    }

    /** {@code object} labelled and annotated as the provider leaves it, for app {@code app} at {@code hash}. */
    static <T extends HasMetadata> T managed(T object, String app, String hash) {
        Map<String, String> labels = new LinkedHashMap<>(object.getMetadata().getLabels() == null ? Map.of() : object.getMetadata().getLabels());
        labels.put("app.kubernetes.io/managed-by", "cascade");
        labels.put("cascade.io/app", app);
        object.getMetadata().setLabels(labels);
        Map<String, String> annotations = new LinkedHashMap<>(object.getMetadata().getAnnotations() == null ? Map.of() : object.getMetadata().getAnnotations());
        annotations.put("cascade.io/content-hash", hash);
        object.getMetadata().setAnnotations(annotations);
        return object;
    }
}
