package io.cascade.topology.fleet;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.IntSupplier;
import java.util.stream.Stream;

/**
 * The validated shape of a fleet: one hub, its regions, their sites. Read it with {@link FleetFile}.
 *
 * @param name    fleet name (used for server names and Kubernetes object names)
 * @param hub     the core hub
 * @param regions the regions, in file order
 */
public record Fleet(String name, HubSpec hub, List<RegionSpec> regions) {

    public Fleet {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(hub, "hub");
        regions = List.copyOf(regions);
        Set<String> seen = new HashSet<>();
        for (RegionSpec r : regions) {
            if (!seen.add(r.name())) {
                throw new IllegalArgumentException("duplicate region " + r.name());
            }
        }
    }

    public Optional<RegionSpec> region(String name) {
        return regions.stream().filter(r -> r.name().equals(name)).findFirst();
    }

    public RegionSpec requireRegion(String name) {
        return region(name).orElseThrow(() -> new IllegalArgumentException(
                "unknown region \"" + name + "\"; the fleet has " + regionNames()));
    }

    public List<String> regionNames() {
        return regions.stream().map(RegionSpec::name).toList();
    }

    public Stream<SiteSpec> sites() {
        return regions.stream().flatMap(r -> r.sites().stream());
    }

    /**
     * The same fleet with every port that is 0 replaced by one from {@code freePort}; ports already
     * set are kept. Ports a tier does not use are filled too, so every process has its own.
     */
    public Fleet resolvePorts(IntSupplier freePort) {
        HubSpec resolvedHub = hub.withPorts(fill(hub.ports(), freePort));
        List<RegionSpec> resolved = new ArrayList<>();
        for (RegionSpec r : regions) {
            resolved.add(r.withPorts(fill(r.ports(), freePort)));
        }
        return new Fleet(name, resolvedHub, resolved);
    }

    private static Ports fill(Ports p, IntSupplier free) {
        return new Ports(
                p.client() > 0 ? p.client() : free.getAsInt(),
                p.leaf() > 0 ? p.leaf() : free.getAsInt(),
                p.monitor() > 0 ? p.monitor() : free.getAsInt(),
                p.service() > 0 ? p.service() : free.getAsInt());
    }
}
