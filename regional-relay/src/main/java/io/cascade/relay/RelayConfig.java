package io.cascade.relay;

import io.cascade.topology.fleet.Fleet;
import java.util.Objects;

/**
 * The relay's configuration, read once and validated.
 *
 * @param region  the region this relay serves; must be in the fleet
 * @param natsUrl the relay's own nats-server (a leaf node of the hub, JetStream domain region-&lt;r&gt;)
 * @param fleet   the fleet's shape
 */
public record RelayConfig(String region, String natsUrl, Fleet fleet) {

    public RelayConfig {
        Objects.requireNonNull(natsUrl, "natsUrl");
        Objects.requireNonNull(fleet, "fleet").requireRegion(Objects.requireNonNull(region, "region"));
        if (!natsUrl.startsWith("nats://")) {
            throw new IllegalArgumentException("--nats must be a nats://host:port URL, got " + natsUrl);
        }
    }
}
