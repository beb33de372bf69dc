package io.cascade.topology.fleet;

import java.util.Objects;

/**
 * The core hub: its nats-server (JetStream domain {@code core}, leaf nodes listen) and the hub service.
 *
 * @param host  address the hub's servers listen on and advertise to relays
 * @param ports ports of the hub's nats-server and its gRPC FleetService
 */
public record HubSpec(String host, Ports ports) {

    public HubSpec {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(ports, "ports");
    }

    HubSpec withPorts(Ports ports) {
        return new HubSpec(host, ports);
    }
}
