package io.cascade.edge.provider.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * A Kubernetes object's identity within an app: kind, namespace ({@code ""} when cluster-scoped)
 * and name. Its {@code toString} ({@code Deployment cascade-shop/web}) is what messages show.
 */
record ObjectKey(String kind, String namespace, String name) {

    ObjectKey {
        Objects.requireNonNull(kind, "kind");
        namespace = namespace == null ? "" : namespace;
        Objects.requireNonNull(name, "name");
    }

    static ObjectKey of(HasMetadata object) {
        return new ObjectKey(object.getKind(), object.getMetadata().getNamespace(), object.getMetadata().getName());
    }

    @Override
    public String toString() {
        return kind + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
    }
}
