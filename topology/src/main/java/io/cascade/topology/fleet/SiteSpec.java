package io.cascade.topology.fleet;

import java.util.Map;
import java.util.Objects;

/**
 * One edge site.
 *
 * @param name   site id, a DNS label such as {@code store-0042}; unique in the fleet
 * @param labels the site's labels, including {@code region=<its region>}
 */
public record SiteSpec(String name, Map<String, String> labels) {

    public SiteSpec {
        Objects.requireNonNull(name, "name");
        labels = Map.copyOf(labels);
    }
}
