package io.cascade.topology.k8s;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import io.cascade.topology.testing.TestTrust;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Manifests as a user gets them: rendered to YAML by {@link KubernetesManifests#toYaml}, then read
 * back document by document with fabric8, the way {@code kubectl apply -f} would see them.
 */
record RenderedManifests(String yaml, List<HasMetadata> objects) {

    private static final Pattern DOCUMENT_START = Pattern.compile("(?m)^---$\\n?");

    /** The bundled demo fleet file, verbatim. */
    static String demoFleetText() {
        try (InputStream in = RenderedManifests.class.getResourceAsStream("/io/cascade/topology/fleets/demo.yaml")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static RenderedManifests demo() {
        return of(Fleets.demo(), ManifestOptions.defaults(demoFleetText()));
    }

    /** The demo fleet with every tier a cluster of 3 pods ({@code cascade topology render --ha}). */
    static RenderedManifests demoHa() {
        return of(Fleets.demo(), ManifestOptions.defaults(demoFleetText()), PodCluster.NODES);
    }

    static RenderedManifests of(Fleet fleet, ManifestOptions options) {
        return of(fleet, options, 1);
    }

    static RenderedManifests of(Fleet fleet, ManifestOptions options, int nodes) {
        String yaml = KubernetesManifests.toYaml(KubernetesManifests.build(fleet, options, TestTrust.shared(), nodes));
        List<HasMetadata> objects = Arrays.stream(DOCUMENT_START.split(yaml))
                .filter(doc -> !doc.isBlank())
                .map(doc -> Serialization.unmarshal(doc, HasMetadata.class))
                .toList();
        return new RenderedManifests(yaml, objects);
    }

    <T extends HasMetadata> List<T> all(Class<T> kind) {
        return objects.stream().filter(kind::isInstance).map(kind::cast).toList();
    }

    <T extends HasMetadata> T get(Class<T> kind, String name) {
        return all(kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind.getSimpleName() + " named " + name + " in\n" + yaml));
    }

    String natsConf(String workload) {
        return get(ConfigMap.class, workload + "-nats").getData().get("nats.conf");
    }
}
