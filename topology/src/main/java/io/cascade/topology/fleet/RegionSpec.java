package io.cascade.topology.fleet;

import java.util.List;
import java.util.Objects;

/**
 * A region: one regional relay (its nats-server is a leaf node of the hub) and the sites it serves.
 *
 * @param name  region id, a DNS label such as {@code eu}
 * @param host  address the relay's servers listen on
 * @param ports ports of the relay's nats-server and service
 * @param sites the region's sites
 */
public record RegionSpec(String name, String host, Ports ports, List<SiteSpec> sites) {

    public RegionSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ports, "ports");
        sites = List.copyOf(sites);
    }

    RegionSpec withPorts(Ports ports) {
        return new RegionSpec(name, host, ports, sites);
    }
}
