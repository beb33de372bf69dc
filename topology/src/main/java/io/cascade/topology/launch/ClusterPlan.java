package io.cascade.topology.launch;

import io.cascade.topology.fleet.Ports;
import io.cascade.topology.natsconf.NatsServerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports of a cluster's nodes on one host: the first node's from the fleet file, the others' free ones, a route
 * port each, the route URLs every node dials, and the route password (none for a single node).
 */
public record ClusterPlan(List<Ports> ports, List<Integer> routePorts, List<String> routes, String password) {

    static ClusterPlan of(String host, Ports first, int nodes) {
        return of(host, first, nodes, FreePorts::next);
    }

    /** As {@link #of(String, Ports, int)}, the other ports taken from {@code nextPort} (e.g. a counter: deterministic). */
    public static ClusterPlan of(String host, Ports first, int nodes, java.util.function.IntSupplier nextPort) {
        List<Ports> ports = new ArrayList<>(List.of(first));
        while (ports.size() < nodes) {
            ports.add(new Ports(nextPort.getAsInt(), nextPort.getAsInt(), nextPort.getAsInt(), 0));
        }
        List<Integer> routePorts = ports.stream().map(p -> nextPort.getAsInt()).toList();
        List<String> routes = routePorts.stream().map(p -> host + ":" + p).toList();
        return new ClusterPlan(List.copyOf(ports), routePorts, routes, nodes > 1 ? NatsServerConfig.Cluster.randomPassword() : null);
    }
}
