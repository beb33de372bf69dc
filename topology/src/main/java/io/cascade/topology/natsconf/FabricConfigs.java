package io.cascade.topology.natsconf;

import io.cascade.topology.Subjects;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Ports;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.trust.TrustRoot;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/** Builds the nats-server configs of a fleet's hub and relays, in operator mode with TLS leaf links (see {@link Protection}). */
public final class FabricConfigs {

    private FabricConfigs() {}

    public static String hubServerName(Fleet fleet) {
        return fleet.name() + "-hub";
    }

    public static String relayServerName(Fleet fleet, String region) {
        return fleet.name() + "-relay-" + region;
    }

    /**
     * Operator mode for a server of {@code trust}'s fleet.
     *
     * @param operatorJwtFile where the server finds the operator JWT
     * @param resolverDir     where the server keeps the account JWTs (its own, like its store dir)
     */
    public static NatsServerConfig.Auth auth(TrustRoot trust, String operatorJwtFile, String resolverDir) {
        return new NatsServerConfig.Auth(operatorJwtFile, trust.accountPublicKey(), trust.systemAccountPublicKey(),
                trust.accountJwts(), resolverDir);
    }

    /**
     * The hub's server: JetStream domain {@code core}, leaf nodes listen and advertise {@code advertise}.
     *
     * @param ports       resolved ports (client, leaf, monitor)
     * @param listenHost  bind address
     * @param storeDir    JetStream store directory
     * @param advertise   host:port relays are told to use for the leaf link
     */
    public static NatsServerConfig hub(Fleet fleet, Ports ports, String listenHost, String storeDir, String advertise,
                                       NatsServerConfig.Auth auth, NatsServerConfig.Tls leafTls) {
        return hub(fleet, ports, listenHost, storeDir, advertise, Optional.of(auth), Optional.of(leafTls));
    }

    /** As {@link #hub(Fleet, Ports, String, String, String, NatsServerConfig.Auth, NatsServerConfig.Tls)}, with a protection left out where empty. */
    public static NatsServerConfig hub(Fleet fleet, Ports ports, String listenHost, String storeDir, String advertise,
                                       Optional<NatsServerConfig.Auth> auth, Optional<NatsServerConfig.Tls> leafTls) {
        return new NatsServerConfig(hubServerName(fleet), listenHost, ports.client(), ports.monitor(),
                Subjects.HUB_DOMAIN, storeDir, NatsServerConfig.DEFAULT_MAX_PAYLOAD,
                new NatsServerConfig.LeafListen(ports.leaf(), advertise, leafTls), auth);
    }

    /**
     * Node {@code node} (1-based) of the HA hub: the hub's server as {@link #hub} renders it, named
     * {@code <fleet>-hub-<node>}, in cluster {@code <fleet>-hub} with routes to every node's {@code routes}
     * (TLS with {@code leafTls}'s certificate, which the fleet CA signed for the node's host, and the route
     * password). JetStream runs clustered: streams and buckets can keep 3 replicas.
     */
    public static NatsServerConfig hubNode(Fleet fleet, int node, Ports ports, int routePort, List<String> routes,
                                           String listenHost, String storeDir, String advertise,
                                           Optional<NatsServerConfig.Auth> auth, Optional<NatsServerConfig.Tls> leafTls,
                                           String routePassword) {
        NatsServerConfig one = hub(fleet, ports, listenHost, storeDir, advertise, auth, leafTls);
        return new NatsServerConfig(hubServerName(fleet) + "-" + node, one.listenHost(), one.clientPort(), one.monitorPort(),
                one.jetStreamDomain(), one.storeDir(), one.maxPayloadBytes(), one.leaf(), one.auth(),
                Optional.of(new NatsServerConfig.Cluster(hubServerName(fleet), routePort, routes, ROUTE_USER, routePassword,
                        leafTls)));
    }

    /** The route user of the HA hub's cluster. */
    public static final String ROUTE_USER = "route";

    /**
     * A relay's server: JetStream domain {@code region-<r>}, two leaf remotes to the hub (one that
     * logs in as the region's leaf user, {@code leafCredsFile}, in the fleet account; one as its
     * system leaf user, {@code systemLeafCredsFile}, in the system account), and a leaf listener
     * for edge sites that run their own leaf server.
     */
    public static NatsServerConfig relay(Fleet fleet, RegionSpec region, Ports ports, String listenHost,
                                         String storeDir, List<URI> hubLeafUrls, NatsServerConfig.Auth auth,
                                         String leafCredsFile, String systemLeafCredsFile, NatsServerConfig.Tls leafTls) {
        return relay(fleet, region, ports, listenHost, storeDir, hubLeafUrls, Optional.of(auth),
                List.of(new NatsServerConfig.LeafLogin(leafCredsFile, auth.fleetAccount()),
                        new NatsServerConfig.LeafLogin(systemLeafCredsFile, auth.systemAccount())),
                Optional.of(leafTls));
    }

    /**
     * As {@link #relay(Fleet, RegionSpec, Ports, String, String, List, NatsServerConfig.Auth, String, String,
     * NatsServerConfig.Tls)}, with a protection left out where empty ({@code logins} then empty too: one
     * anonymous leaf link).
     */
    public static NatsServerConfig relay(Fleet fleet, RegionSpec region, Ports ports, String listenHost, String storeDir,
                                         List<URI> hubLeafUrls, Optional<NatsServerConfig.Auth> auth,
                                         List<NatsServerConfig.LeafLogin> logins, Optional<NatsServerConfig.Tls> leafTls) {
        return new NatsServerConfig(relayServerName(fleet, region.name()), listenHost, ports.client(),
                ports.monitor(), Subjects.relayDomain(region.name()), storeDir,
                NatsServerConfig.DEFAULT_MAX_PAYLOAD,
                new NatsServerConfig.LeafRemote(hubLeafUrls, ports.leaf(), logins, leafTls), auth);
    }

    /**
     * Node {@code node} (1-based) of a region's relay cluster: the relay's server as {@link #relay} renders it (its own
     * leaf remotes to every hub node, its own leaf listener), named {@code <relay server>-<node>}, in cluster
     * {@code <relay server>} with routes to every node (TLS with {@code leafTls}'s certificate and the route password).
     * JetStream runs clustered in the region's domain: the desired mirror and the status bucket can keep 3 copies.
     */
    public static NatsServerConfig relayNode(Fleet fleet, RegionSpec region, int node, Ports ports, int routePort,
                                             List<String> routes, String listenHost, String storeDir, List<URI> hubLeafUrls,
                                             Optional<NatsServerConfig.Auth> auth, List<NatsServerConfig.LeafLogin> logins,
                                             Optional<NatsServerConfig.Tls> leafTls, String routePassword) {
        NatsServerConfig one = relay(fleet, region, ports, listenHost, storeDir, hubLeafUrls, auth, logins, leafTls);
        String cluster = relayServerName(fleet, region.name());
        return new NatsServerConfig(cluster + "-" + node, one.listenHost(), one.clientPort(), one.monitorPort(),
                one.jetStreamDomain(), one.storeDir(), one.maxPayloadBytes(), one.leaf(), one.auth(),
                Optional.of(new NatsServerConfig.Cluster(cluster, routePort, routes, ROUTE_USER, routePassword, leafTls)));
    }

    /** The hub's leaf URL as relays dial it. */
    public static URI leafUrl(String host, int port) {
        return URI.create("nats-leaf://" + host + ":" + port);
    }
}
