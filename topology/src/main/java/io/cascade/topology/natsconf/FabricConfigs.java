package io.cascade.topology.natsconf;

import io.cascade.topology.Subjects;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Ports;
import io.cascade.topology.fleet.RegionSpec;
import java.net.URI;
import java.util.List;

/** Builds the nats-server configs of a fleet's hub and relays. */
public final class FabricConfigs {

    private FabricConfigs() {}

    public static String hubServerName(Fleet fleet) {
        return fleet.name() + "-hub";
    }

    public static String relayServerName(Fleet fleet, String region) {
        return fleet.name() + "-relay-" + region;
    }

    /**
     * The hub's server: JetStream domain {@code core}, leaf nodes listen and advertise {@code advertise}.
     *
     * @param ports       resolved ports (client, leaf, monitor)
     * @param listenHost  bind address
     * @param storeDir    JetStream store directory
     * @param advertise   host:port relays are told to use for the leaf link
     */
    public static NatsServerConfig hub(Fleet fleet, Ports ports, String listenHost, String storeDir, String advertise) {
        return new NatsServerConfig(hubServerName(fleet), listenHost, ports.client(), ports.monitor(),
                Subjects.HUB_DOMAIN, storeDir, NatsServerConfig.DEFAULT_MAX_PAYLOAD,
                new NatsServerConfig.LeafListen(ports.leaf(), advertise));
    }

    /**
     * A relay's server: JetStream domain {@code region-<r>}, a leaf remote to the hub, and a leaf
     * listener for edge sites that run their own leaf server.
     */
    public static NatsServerConfig relay(Fleet fleet, RegionSpec region, Ports ports, String listenHost,
                                         String storeDir, List<URI> hubLeafUrls) {
        return new NatsServerConfig(relayServerName(fleet, region.name()), listenHost, ports.client(),
                ports.monitor(), Subjects.relayDomain(region.name()), storeDir,
                NatsServerConfig.DEFAULT_MAX_PAYLOAD, new NatsServerConfig.LeafRemote(hubLeafUrls, ports.leaf()));
    }

    /** The hub's leaf URL as relays dial it. */
    public static URI leafUrl(String host, int port) {
        return URI.create("nats-leaf://" + host + ":" + port);
    }
}
