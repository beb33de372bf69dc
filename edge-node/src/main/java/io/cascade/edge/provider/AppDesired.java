package io.cascade.edge.provider;

import io.cascade.proto.Resource;
import java.util.List;
import java.util.Objects;

/**
 * What one app must look like on one site: the resources of the bundle the site runs (stable or
 * candidate), with the site's override values already substituted.
 *
 * @param app            app name (DNS label)
 * @param intentRevision the intent revision of the release this comes from
 * @param version        the bundle's version string
 * @param resources      the resources to apply, each unique by (kind, namespace, name)
 * @param contentHash    SHA-256 hex over the resources as applied; equal hashes mean equal content
 */
public record AppDesired(String app, long intentRevision, String version, List<Resource> resources, String contentHash) {

    public AppDesired {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(contentHash, "contentHash");
        resources = List.copyOf(resources);
    }
}
