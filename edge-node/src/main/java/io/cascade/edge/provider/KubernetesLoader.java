package io.cascade.edge.provider;

import io.cascade.edge.libraries.OptionalLibraries;
import java.util.List;
import java.util.Optional;

/**
 * Loads the Kubernetes provider ({@code io.cascade.edge.provider.k8s}) and fabric8 only when a site uses {@code k8s}.
 *
 * <p>The edge's distribution keeps fabric8 and what only it needs (its JDK HTTP client adapter, snakeyaml-engine; 28 jars)
 * in {@code lib/k8s} beside {@code cascade-edge.jar}, off the jar's class path: a site on {@code sim} or {@code dir}
 * never opens them (measured by {@code bench footprint}: 117 → 73 open files, 1 MB of heap). The first {@code k8s}
 * provider makes one class loader over those jars and {@code cascade-edge.jar} that defines the provider's package
 * itself and asks the class path for everything else, so the provider sees fabric8 and shares {@link Provider} and
 * the rest with the edge ({@link OptionalLibraries}). Where fabric8 is on the class path already (the tests, the
 * {@code cascade} CLI's class path), that is used.
 */
final class KubernetesLoader {

    static final String PACKAGE = "io.cascade.edge.provider.k8s.";
    static final String FACTORY = PACKAGE + "KubernetesProviders";
    /** Beside the jar holding this class. */
    static final String LIB_DIR = "lib/k8s";
    private static final OptionalLibraries LIBRARIES = new OptionalLibraries(LIB_DIR,
            "io.fabric8.kubernetes.client.KubernetesClient", List.of(PACKAGE), List.of(KubernetesLoader.class));

    private KubernetesLoader() {}

    /** {@code KubernetesProviders.create(context)}, loaded as above. */
    static Provider create(Optional<String> context) {
        return LIBRARIES.call("the Kubernetes provider", k8s -> (Provider) k8s.loadClass(FACTORY)
                .getMethod("create", Optional.class).invoke(null, context));
    }

    static ClassLoader loader() {
        return LIBRARIES.loader();
    }
}
