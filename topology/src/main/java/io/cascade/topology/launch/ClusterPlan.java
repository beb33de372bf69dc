package io.cascade.topology.launch;

import io.cascade.topology.fleet.Ports;
import io.cascade.topology.natsconf.NatsServerConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * The ports of a cluster's nodes on one host: the first node's from the fleet file, the others' free ones, a route
 * port each, the route URLs every node dials, and the route password (none for a single node).
 */
record ClusterPlan(List<Ports> ports, List<Integer> routePorts, List<String> routes, String password) {

    static ClusterPlan of(String host, Ports first, int nodes) {
        List<Ports> ports = new ArrayList<>(List.of(first));
        while (ports.size() < nodes) {
            ports.add(new Ports(FreePorts.next(), FreePorts.next(), FreePorts.next(), 0));
        }
        List<Integer> routePorts = ports.stream().map(p -> FreePorts.next()).toList();
        List<String> routes = routePorts.stream().map(p -> host + ":" + p).toList();
        return new ClusterPlan(List.copyOf(ports), routePorts, routes, nodes > 1 ? NatsServerConfig.Cluster.randomPassword() : null);
    }
}
