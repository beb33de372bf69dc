package io.cascade.edge.desired;

import io.cascade.proto.Resource;
import java.util.Comparator;

/**
 * What makes a resource unique within an app: (kind, namespace, name). An unset namespace and an
 * empty one are the same namespace (the app's own). Ordered by kind, then namespace, then name: the
 * canonical order of an app's resources.
 */
record ResourceId(String kind, String namespace, String name) implements Comparable<ResourceId> {

    private static final Comparator<ResourceId> CANONICAL = Comparator.comparing(ResourceId::kind)
            .thenComparing(ResourceId::namespace)
            .thenComparing(ResourceId::name);

    static ResourceId of(Resource resource) {
        return new ResourceId(resource.getKind(), resource.getNamespace(), resource.getName());
    }

    @Override
    public int compareTo(ResourceId other) {
        return CANONICAL.compare(this, other);
    }
}
