package io.cascade.hub;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.trust.ServerCertificate;
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
 * @param tls      the gRPC endpoint's certificate and key: the FleetService is served over TLS only
 * @param apiKey   the public key operator tokens are verified with (the trust root's API signing key)
 * @param clientCa the fleet CA's certificate: operators' client certificates are checked against it
 * @param signer   the fleet account's signing key, with which the hub issues registered sites their JWTs;
 *                 empty: RegisterSite is refused
 */
public record HubConfig(String natsUrl, String grpcHost, int grpcPort, Fleet fleet, Optional<UserCredentials> credentials,
                        ServerCertificate tls, String apiKey, java.nio.file.Path clientCa,
                        Optional<io.cascade.topology.trust.AccountSigner> signer, int replicas,
                        java.util.OptionalInt dashboardPort) {

    /** The most replicas a bucket may keep (JetStream's limit). */
    public static final int MAX_REPLICAS = 5;

    /** A hub that does not register sites, on a single nats-server (buckets with 1 replica). */
    public HubConfig(String natsUrl, String grpcHost, int grpcPort, Fleet fleet, Optional<UserCredentials> credentials,
                     ServerCertificate tls, String apiKey, java.nio.file.Path clientCa) {
        this(natsUrl, grpcHost, grpcPort, fleet, credentials, tls, apiKey, clientCa, Optional.empty(), 1, java.util.OptionalInt.empty());
    }

    /** This configuration, issuing registered sites' JWTs with {@code signer}. */
    public HubConfig withSigner(io.cascade.topology.trust.AccountSigner signer) {
        return new HubConfig(natsUrl, grpcHost, grpcPort, fleet, credentials, tls, apiKey, clientCa, Optional.of(signer), replicas,
                dashboardPort);
    }

    /**
     * This configuration with the hub's buckets ({@code intents}, {@code desired}, {@code rollup}, {@code sites},
     * ...) kept in {@code replicas} copies: 3 on an HA hub's cluster, where losing one server then loses nothing.
     */
    public HubConfig withReplicas(int replicas) {
        return new HubConfig(natsUrl, grpcHost, grpcPort, fleet, credentials, tls, apiKey, clientCa, signer, replicas,
                dashboardPort);
    }

    /** This configuration serving the dashboard over HTTPS on {@code grpcHost:port} (0: a free port) with the gRPC certificate. */
    public HubConfig withDashboard(int port) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--dashboard-port must be 0 to 65535, got " + port);
        }
        return new HubConfig(natsUrl, grpcHost, grpcPort, fleet, credentials, tls, apiKey, clientCa, signer, replicas,
                java.util.OptionalInt.of(port));
    }

    /** The nats-servers the hub connects to (one, or every node of an HA hub), as given in {@code natsUrl}. */
    public java.util.List<String> natsUrls() {
        return java.util.Arrays.stream(natsUrl.split(",")).map(String::trim).toList();
    }

    public HubConfig {
        Objects.requireNonNull(signer, "signer");
        Objects.requireNonNull(dashboardPort, "dashboardPort");
        Objects.requireNonNull(clientCa, "clientCa");
        if (!java.nio.file.Files.isReadable(clientCa)) {
            throw new IllegalArgumentException("--client-ca " + clientCa + ": no such readable file (the fleet CA's ca.crt)");
        }
        Objects.requireNonNull(apiKey, "apiKey: callers are authenticated with tokens verified by this key");
        new io.cascade.topology.trust.OperatorTokens.Verifier(apiKey); // a malformed key fails here, at start
        Objects.requireNonNull(tls, "tls: the hub serves its API over TLS only");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(grpcHost, "grpcHost");
        for (String url : Objects.requireNonNull(natsUrl, "natsUrl").split(",")) {
            URI nats;
            try {
                nats = URI.create(url.trim());
            } catch (IllegalArgumentException e) {
                nats = null;
            }
            if (nats == null || !"nats".equals(nats.getScheme()) || nats.getHost() == null) {
                throw new IllegalArgumentException("--nats must be a nats://host:port URL, or several separated by commas "
                        + "(every node of an HA hub), got " + natsUrl);
            }
        }
        if (replicas < 1 || replicas > MAX_REPLICAS) {
            throw new IllegalArgumentException("--replicas must be within 1.." + MAX_REPLICAS + ", got " + replicas);
        }
        if (grpcPort < 0 || grpcPort > 65535) {
            throw new IllegalArgumentException("--grpc-port must be within 0..65535, got " + grpcPort);
        }
    }
}
