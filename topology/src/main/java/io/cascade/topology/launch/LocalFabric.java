package io.cascade.topology.launch;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Ports;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.natsconf.FabricConfigs;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.cascade.topology.natsconf.Protection;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import io.cascade.topology.trust.UserCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nats-servers of a fleet on this machine: the hub and one relay per region, each with its own
 * directory under a work folder and free ports, started in order and ready when every leaf link is
 * up. {@link #close()} stops them in reverse order; a failed start stops what it had started.
 */
public final class LocalFabric implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalFabric.class);
    static final Duration SERVER_START = Duration.ofSeconds(20);
    static final Duration LEAF_LINKS = Duration.ofSeconds(30);
    /** Each relay dials the hub twice: its fleet-account link and its system-account link (with auth). */
    public static final int LEAF_LINKS_PER_RELAY = 2;

    /**
     * How relays reach the hub's leaf port: given the hub's leaf host:port, the host:port the hub
     * advertises; then, per region, the host:port that region's relay dials to reach the advertised
     * one (the same by default). On an HA hub each node advertises {@code route(its leaf host:port)} and a
     * region's relay dials {@code route(region, that node's own leaf host:port)}, so a route can tell the
     * nodes apart. A test or bench puts TCP proxies it controls in between, to cut one link or all.
     */
    @FunctionalInterface
    public interface LeafRoute {
        LeafRoute DIRECT = hubLeaf -> hubLeaf;

        /**
         * An address that refuses every connection (port 1 on loopback: refused at once), for a hub to advertise as its
         * leaf port when the links go through proxies: nats-server 2.9.10 tells remotes its leaf address (even with
         * {@code no_advertise}), and a relay that learned the real one would route around its proxy on its next reconnect.
         */
        String NOWHERE = "127.0.0.1:1";

        String route(String hubLeafHostPort);

        /** The host:port {@code region}'s relay dials to reach {@code advertised}. */
        default String route(String region, String advertised) {
            return advertised;
        }
    }

    private final Fleet fleet;
    private final Path workDir;
    private final LeafRoute leafRoute;
    private final TrustRoot trust;
    private final List<String> leafExtras;
    private final Protection protection;
    private final List<NatsServerProcess> started = new ArrayList<>();
    private final Map<String, NatsServerProcess> relays = new LinkedHashMap<>();
    private final int hubNodes;
    private final int regionNodes;
    private final List<NatsServerProcess> hubs = new ArrayList<>();
    /** Every node of each region's relay (one unless regions run as clusters); {@link #relays} holds the first. */
    private final Map<String, List<NatsServerProcess>> relayNodes = new LinkedHashMap<>();
    private NatsServerProcess hub;
    private boolean closed;

    private LocalFabric(Fleet fleet, Path workDir, LeafRoute leafRoute, TrustRoot trust, List<String> leafExtras,
                        Protection protection, int hubNodes, int regionNodes) {
        this.hubNodes = hubNodes;
        this.regionNodes = regionNodes;
        this.leafExtras = List.copyOf(leafExtras);
        this.protection = protection;
        this.fleet = fleet;
        this.workDir = workDir.toAbsolutePath();
        this.leafRoute = leafRoute;
        this.trust = trust;
    }

    /**
     * Starts the hub and the relays of {@code fleet} (ports left at 0 are picked free) under
     * {@code workDir} and waits for the leaf links. Every server runs in operator mode with the
     * trust root in {@code workDir/trust} (made there when missing).
     */
    public static LocalFabric start(Fleet fleet, Path workDir) throws InterruptedException {
        return start(fleet, workDir, LeafRoute.DIRECT);
    }

    /** As {@link #start(Fleet, Path)}, with relays reaching the hub through {@code leafRoute}. */
    public static LocalFabric start(Fleet fleet, Path workDir, LeafRoute leafRoute) throws InterruptedException {
        return start(fleet, workDir, leafRoute, TrustRoot.loadOrInit(workDir.resolve("trust")));
    }

    /** As {@link #start(Fleet, Path, LeafRoute)}, trusting {@code trust}'s operator. */
    public static LocalFabric start(Fleet fleet, Path workDir, LeafRoute leafRoute, TrustRoot trust) throws InterruptedException {
        return start(fleet, workDir, leafRoute, trust, List.of(), Protection.FULL);
    }

    /**
     * As {@link #start(Fleet, Path)}, with the leaf links also carrying {@code benchSubjects} from
     * the hub down to the relays: a benchmark's own raw traffic through the same topology. No
     * Cascade subject is ever added this way; the tiers' leaf users stay as {@link Identity.RelayLeaf} makes them.
     */
    public static LocalFabric startCarrying(Fleet fleet, Path workDir, List<String> benchSubjects) throws InterruptedException {
        return startCarrying(fleet, workDir, benchSubjects, Protection.FULL);
    }

    /**
     * As {@link #startCarrying(Fleet, Path, List)}, with only the protections {@code protection} names:
     * how a benchmark measures what auth and TLS cost. Without auth, {@link #clientCredentials} is empty.
     */
    public static LocalFabric startCarrying(Fleet fleet, Path workDir, List<String> benchSubjects, Protection protection)
            throws InterruptedException {
        return start(fleet, workDir, LeafRoute.DIRECT, TrustRoot.loadOrInit(workDir.resolve("trust")), benchSubjects, protection);
    }

    /**
     * As {@link #start(Fleet, Path)}, with the hub as a cluster of {@code hubNodes} (3 or more) nats-servers:
     * clustered JetStream in domain {@code core} (buckets can keep 3 replicas), routes authenticated by TLS
     * and a password of their own, each node advertising its own leaf port, every relay's leaf remotes
     * listing every node. {@link #hub()} is the first node; {@link #hubs()} all of them.
     */
    public static LocalFabric startHa(Fleet fleet, Path workDir, int hubNodes) throws InterruptedException {
        return startHa(fleet, workDir, hubNodes, 1);
    }

    /**
     * As {@link #startHa(Fleet, Path, int)}, with each region's relay as a cluster of {@code regionNodes} nats-servers
     * too (1: one server, as without HA; else 3 or more): clustered JetStream in the region's domain, routes
     * authenticated like the hub's, every node with its own leaf links to every hub node. {@link #relay} is a region's
     * first node, {@link #relayNodes} all of them, {@link #relayUrls} what its clients dial. {@code hubNodes} may be 1.
     */
    public static LocalFabric startHa(Fleet fleet, Path workDir, int hubNodes, int regionNodes) throws InterruptedException {
        return startHa(fleet, workDir, hubNodes, regionNodes, LeafRoute.DIRECT);
    }

    /** As {@link #startHa(Fleet, Path, int, int)}, the relays' leaf links routed by {@code leafRoute}. */
    public static LocalFabric startHa(Fleet fleet, Path workDir, int hubNodes, int regionNodes, LeafRoute leafRoute)
            throws InterruptedException {
        for (int n : new int[] {hubNodes, regionNodes}) {
            if (n != 1 && n < 3) {
                throw new IllegalArgumentException("a cluster needs at least 3 nodes to survive losing one, got " + n);
            }
        }
        return start(fleet, workDir, leafRoute, TrustRoot.loadOrInit(workDir.resolve("trust")), List.of(), Protection.FULL,
                hubNodes, regionNodes);
    }

    private static LocalFabric start(Fleet fleet, Path workDir, LeafRoute leafRoute, TrustRoot trust, List<String> leafExtras,
                                     Protection protection) throws InterruptedException {
        return start(fleet, workDir, leafRoute, trust, leafExtras, protection, 1, 1);
    }

    private static LocalFabric start(Fleet fleet, Path workDir, LeafRoute leafRoute, TrustRoot trust, List<String> leafExtras,
                                     Protection protection, int hubNodes, int regionNodes) throws InterruptedException {
        LocalFabric fabric = new LocalFabric(fleet.resolvePorts(FreePorts::next), workDir, leafRoute, trust, leafExtras,
                protection, hubNodes, regionNodes);
        try {
            fabric.startServers();
            fabric.awaitLeafLinks(LEAF_LINKS);
            return fabric;
        } catch (RuntimeException | InterruptedException e) {
            fabric.close();
            throw e;
        }
    }

    private void startServers() throws InterruptedException {
        var hubPorts = fleet.hub().ports();
        String hubHost = fleet.hub().host();
        List<String> hubLeafs = new ArrayList<>();
        if (hubNodes == 1) {
            Path hubDir = workDir.resolve("hub");
            String leafAddress = leafRoute.route(hubHost + ":" + hubPorts.leaf());
            NatsServerConfig hubConfig = FabricConfigs.hub(fleet, hubPorts, hubHost,
                    hubDir.resolve("jetstream").toString(), leafAddress, auth(hubDir),
                    leafTls(hubDir, List.of(hubHost, "localhost", "127.0.0.1")));
            hubs.add(track(NatsServerProcess.start(hubConfig, hubDir, SERVER_START)));
            hubLeafs.add(leafAddress);
        } else {
            startHubCluster(hubHost, hubPorts, hubLeafs);
        }
        hub = hubs.getFirst();
        for (RegionSpec region : fleet.regions()) {
            startRegion(region, hubLeafs);
        }
    }

    /** A region's relay: one server, or a cluster of {@link #regionNodes}, each node with its own leaf links to the hub. */
    private void startRegion(RegionSpec region, List<String> hubLeafs) throws InterruptedException {
        ClusterPlan plan = ClusterPlan.of(region.host(), region.ports(), regionNodes);
        List<NatsServerConfig> configs = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < regionNodes; i++) {
            Path dir = workDir.resolve("relay-" + region.name() + (regionNodes > 1 ? "-" + (i + 1) : ""));
            List<NatsServerConfig.LeafLogin> logins = List.of();
            if (protection.auth()) {
                Path leafCreds = trust.issue(leafUser(region.name())).write(dir.resolve("leaf.creds"));
                Path sysLeafCreds = trust.issue(new Identity.RelaySystemLeaf(region.name())).write(dir.resolve("sysleaf.creds"));
                logins = List.of(new NatsServerConfig.LeafLogin(leafCreds.toString(), trust.accountPublicKey()),
                        new NatsServerConfig.LeafLogin(sysLeafCreds.toString(), trust.systemAccountPublicKey()));
            }
            List<java.net.URI> remotes = hubLeafs.stream()
                    .map(a -> java.net.URI.create("nats-leaf://" + leafRoute.route(region.name(), a))).toList();
            Optional<NatsServerConfig.Tls> tls = leafTls(dir, List.of(region.host(), "localhost", "127.0.0.1"));
            configs.add(regionNodes == 1
                    ? FabricConfigs.relay(fleet, region, plan.ports().get(i), region.host(), dir.resolve("jetstream").toString(),
                            remotes, auth(dir), logins, tls)
                    : FabricConfigs.relayNode(fleet, region, i + 1, plan.ports().get(i), plan.routePorts().get(i), plan.routes(),
                            region.host(), dir.resolve("jetstream").toString(), remotes, auth(dir), logins, tls, plan.password()));
            dirs.add(dir);
        }
        List<NatsServerProcess> nodes = new ArrayList<>();
        for (NatsServerProcess node : NatsServerProcess.startAll(configs, dirs, SERVER_START)) {
            nodes.add(track(node));
        }
        relays.put(region.name(), nodes.getFirst());
        relayNodes.put(region.name(), List.copyOf(nodes));
        if (regionNodes > 1) {
            MetaLeader.await(nodes, SERVER_START, workDir);
        }
    }

    private void startHubCluster(String hubHost, Ports firstPorts, List<String> hubLeafs) throws InterruptedException {
        ClusterPlan plan = ClusterPlan.of(hubHost, firstPorts, hubNodes);
        List<NatsServerConfig> configs = new ArrayList<>();
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < hubNodes; i++) {
            Path dir = workDir.resolve("hub-" + (i + 1));
            String leaf = hubHost + ":" + plan.ports().get(i).leaf();
            configs.add(FabricConfigs.hubNode(fleet, i + 1, plan.ports().get(i), plan.routePorts().get(i), plan.routes(), hubHost,
                    dir.resolve("jetstream").toString(), leafRoute.route(leaf), auth(dir), leafTls(dir, List.of(hubHost, "localhost", "127.0.0.1")),
                    plan.password()));
            dirs.add(dir);
            hubLeafs.add(leaf);
        }
        for (NatsServerProcess node : NatsServerProcess.startAll(configs, dirs, SERVER_START)) {
            hubs.add(track(node));
        }
        awaitMetaLeader(SERVER_START);
    }

    /**
     * Waits until every running hub node names the same JetStream meta leader, a running node that sees every
     * other running node as a current peer; returns its server name.
     */
    public String awaitMetaLeader(Duration timeout) throws InterruptedException {
        return MetaLeader.await(hubs, timeout, workDir).name();
    }

    /** Kills (-9) the hub node that is the JetStream meta leader, as a crash would; returns it, for {@code restart}. */
    public NatsServerProcess killMetaLeader(Duration timeout) throws InterruptedException {
        NatsServerProcess leader = MetaLeader.await(hubs, timeout, workDir);
        leader.kill();
        return leader;
    }

    /** Copies each hub bucket keeps: 3 on an HA hub (it survives losing a node), else 1. */
    public int bucketReplicas() {
        return hubs.size() >= 3 ? 3 : 1;
    }

    private Identity leafUser(String region) {
        Identity leaf = new Identity.RelayLeaf(region);
        if (leafExtras.isEmpty()) {
            return leaf;
        }
        List<String> subscribe = new ArrayList<>(leaf.subscribe());
        subscribe.addAll(leafExtras);
        return new Identity.Tool(leaf.name(), leaf.publish(), subscribe);
    }

    /** A certificate from the fleet CA for a server's leaf links, valid for {@code names}. */
    private Optional<NatsServerConfig.Tls> leafTls(Path serverDir, List<String> names) {
        if (!protection.tls()) {
            return Optional.empty();
        }
        Path cert = serverDir.resolve("leaf-tls.crt");
        Path key = serverDir.resolve("leaf-tls.key");
        trust.issueServerCertificate(names.stream().distinct().toList(), cert, key);
        return Optional.of(new NatsServerConfig.Tls(cert.toString(), key.toString(), trust.caCertFile().toString()));
    }

    private Optional<NatsServerConfig.Auth> auth(Path serverDir) {
        return protection.auth()
                ? Optional.of(FabricConfigs.auth(trust, trust.operatorJwtFile().toString(), serverDir.resolve("jwt").toString()))
                : Optional.empty();
    }

    private NatsServerProcess track(NatsServerProcess p) {
        started.add(p);
        return p;
    }

    /** Waits until the hub has a leaf connection from every running relay node and each node has its links. */
    public void awaitLeafLinks(Duration timeout) throws InterruptedException {
        LeafLinks.await(hubs, relayNodes.values().stream().flatMap(List::stream).toList(), leafLinksPerRelay(), timeout, workDir);
    }

    /** Leaf connections at every running hub node, summed. */
    public int hubLeafConnections() throws InterruptedException {
        return LeafLinks.atHub(hubs);
    }

    /** The trust root every server of this fabric trusts. */
    public TrustRoot trust() {
        return trust;
    }

    /** Leaf links each relay keeps to the hub: {@value #LEAF_LINKS_PER_RELAY} with auth, one without. */
    public int leafLinksPerRelay() {
        return protection.auth() ? LEAF_LINKS_PER_RELAY : 1;
    }

    /** The protections the servers run with ({@link Protection#FULL} unless a benchmark asked otherwise). */
    public Protection protection() {
        return protection;
    }

    /** New credentials for {@code identity}, e.g. a site's or a relay service's. */
    public UserCredentials credentials(Identity identity) {
        if (!protection.auth()) {
            throw new IllegalStateException("this fabric runs without auth (" + protection + "): clients connect anonymously");
        }
        return trust.issueClient(identity);
    }

    /** {@link #credentials(Identity)}, or empty when the servers run without auth (anonymous clients). */
    public Optional<UserCredentials> clientCredentials(Identity identity) {
        return protection.auth() ? Optional.of(credentials(identity)) : Optional.empty();
    }

    /** Every server's client URL, hub first (where account updates are pushed). */
    public List<String> clientUrls() {
        List<String> urls = new ArrayList<>();
        hubs.forEach(h -> urls.add(h.clientUrl()));
        relayNodes.values().forEach(nodes -> nodes.forEach(r -> urls.add(r.clientUrl())));
        return urls;
    }

    /** The fleet with every port resolved. */
    public Fleet fleet() {
        return fleet;
    }

    public Path workDir() {
        return workDir;
    }

    /** The hub's server; with an HA hub, its first node. */
    public NatsServerProcess hub() {
        return hub;
    }

    /** Every node of the hub, in order (one unless started with {@link #startHa}). */
    public List<NatsServerProcess> hubs() {
        return List.copyOf(hubs);
    }

    /** The client URLs of every hub node, comma-separated: what a hub client dials (it fails over between them). */
    public String hubUrls() {
        return String.join(",", hubs.stream().map(NatsServerProcess::clientUrl).toList());
    }

    public NatsServerProcess relay(String region) {
        NatsServerProcess r = relays.get(region);
        if (r == null) {
            throw new IllegalArgumentException("no relay for region \"" + region + "\"; regions: " + relays.keySet());
        }
        return r;
    }

    /** Every node of the region's relay, in order (one unless regions run as clusters, {@link #startHa(Fleet, Path, int, int)}). */
    public List<NatsServerProcess> relayNodes(String region) {
        relay(region);
        return relayNodes.get(region);
    }

    /** The client URLs of every node of the region's relay, comma-separated: what its edges and relay service dial. */
    public String relayUrls(String region) {
        return String.join(",", relayNodes(region).stream().map(NatsServerProcess::clientUrl).toList());
    }

    public Map<String, NatsServerProcess> relays() {
        return Map.copyOf(relays);
    }

    /** Stops every server, relays first, hub last. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (RuntimeException e) {
                LOG.warn("stopping {} failed: {}", started.get(i).name(), e.toString());
            }
        }
    }
}
