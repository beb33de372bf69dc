package io.cascade.relay;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.trust.UserCredentials;
import java.util.Objects;
import java.util.Optional;

/**
 * The relay's configuration, read once and validated.
 *
 * @param region  the region this relay serves; must be in the fleet
 * @param natsUrl the relay's own nats-server (a leaf node of the hub, JetStream domain region-&lt;r&gt;)
 * @param fleet   the fleet's shape
 * @param credentials the relay service's user on its nats-server; empty: anonymous (a server without operator mode)
 */
public record RelayConfig(String region, String natsUrl, Fleet fleet, Optional<UserCredentials> credentials) {

    public RelayConfig {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(natsUrl, "natsUrl");
        Objects.requireNonNull(fleet, "fleet").requireRegion(Objects.requireNonNull(region, "region"));
        if (!natsUrl.startsWith("nats://") && !natsUrl.startsWith("tls://")) {
            throw new IllegalArgumentException("--nats must be a tls://host:port (or nats://host:port) URL, got " + natsUrl);
        }
    }
}
