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
 * @param replicas copies of the region's buckets: 1 (one relay server) or 3 (a region of 3 relay servers)
 * @param shared   whether two or more relay services serve the region and share the work: each follows the status
 *                 bucket for the others' writes, heartbeats are written too, and one of them at a time (a lease) sends
 *                 the region's rollup
 */
public record RelayConfig(String region, String natsUrl, Fleet fleet, Optional<UserCredentials> credentials, int replicas,
                          boolean shared) {

    public RelayConfig {
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(natsUrl, "natsUrl");
        Objects.requireNonNull(fleet, "fleet").requireRegion(Objects.requireNonNull(region, "region"));
        for (String url : natsUrl.split(",")) {
            if (!url.startsWith("nats://") && !url.startsWith("tls://")) {
                throw new IllegalArgumentException("--nats must be tls://host:port (or nats://host:port) URLs, comma-separated, got "
                        + natsUrl);
            }
        }
        if (replicas != 1 && replicas != 3) {
            throw new IllegalArgumentException("--replicas must be 1 (one relay server) or 3 (a region of 3 relay servers), got "
                    + replicas);
        }
    }

    /** A region of {@code replicas} relay servers; shared by several relay services when it is a cluster (3). */
    public RelayConfig(String region, String natsUrl, Fleet fleet, Optional<UserCredentials> credentials, int replicas) {
        this(region, natsUrl, fleet, credentials, replicas, replicas > 1);
    }

    /** One relay server: the region's buckets in one copy. */
    public RelayConfig(String region, String natsUrl, Fleet fleet, Optional<UserCredentials> credentials) {
        this(region, natsUrl, fleet, credentials, 1, false);
    }
}
