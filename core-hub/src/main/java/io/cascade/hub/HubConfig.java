package io.cascade.hub;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.trust.UserCredentials;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * The hub's configuration, read once and validated.
 *
 * @param natsUrl  the hub's own nats-server (JetStream domain {@code core})
 * @param grpcHost address the FleetService listens on
 * @param grpcPort port the FleetService listens on
 * @param fleet    the fleet's shape: regions and sites
 * @param credentials the hub service's user on its nats-server; empty: anonymous (a server without operator mode)
 */
public record HubConfig(String natsUrl, String grpcHost, int grpcPort, Fleet fleet, Optional<UserCredentials> credentials) {

    public HubConfig {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(grpcHost, "grpcHost");
        URI nats = URI.create(Objects.requireNonNull(natsUrl, "natsUrl"));
        if (!"nats".equals(nats.getScheme()) || nats.getHost() == null) {
            throw new IllegalArgumentException("--nats must be a nats://host:port URL, got " + natsUrl);
        }
        if (grpcPort < 0 || grpcPort > 65535) {
            throw new IllegalArgumentException("--grpc-port must be within 0..65535, got " + grpcPort);
        }
    }
}
