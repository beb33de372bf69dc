package io.cascade.topology.fleet;

/**
 * The TCP ports of one nats-server and its service. A port of {@code 0} means "pick a free one at
 * launch" ({@link Fleet#resolvePorts}); a port that a server does not use stays 0.
 *
 * @param client NATS client port (relays: where edges connect)
 * @param leaf   leaf-node port (hub: where relays connect; relays: where edge leaf servers connect)
 * @param monitor nats-server HTTP monitoring port (health, /leafz, /jsz)
 * @param service the tier service's own port (hub: gRPC FleetService; relay: metrics)
 */
public record Ports(int client, int leaf, int monitor, int service) {

    public static final Ports ANY = new Ports(0, 0, 0, 0);

    public Ports {
        for (int p : new int[] {client, leaf, monitor, service}) {
            if (p < 0 || p > 65535) {
                throw new IllegalArgumentException("port " + p + " is outside 0..65535");
            }
        }
    }

    /** True when every port this server needs is fixed. */
    public boolean resolved() {
        return client > 0 && leaf > 0 && monitor > 0 && service > 0;
    }
}
