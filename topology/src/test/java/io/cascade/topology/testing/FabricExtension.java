package io.cascade.topology.testing;

import io.cascade.topology.client.NatsClients;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.launch.TcpProxy;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real hub and relays (nats-server processes from a rendered topology) on free ports in a
 * temp dir before the test class, and stops them, relays first, after it. The temp dir is deleted
 * unless a test failed (then its path is printed, with every server's config and log in it).
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final FabricExtension FABRIC = FabricExtension.demo();
 * </pre>
 */
public final class FabricExtension implements BeforeAllCallback, AfterAllCallback,
        org.junit.jupiter.api.extension.AfterTestExecutionCallback {

    /**
     * The connection timeout of a connect the server must refuse: jnats waits out its connection timeout for the PONG
     * even after the server's -ERR 'Authorization Violation' (nats.java PR #522, not merged), 5 s with the clients'
     * options, while the -ERR comes in milliseconds.
     */
    public static final java.time.Duration REFUSAL_WAIT = java.time.Duration.ofSeconds(2);

    private final Fleet fleet;
    private final boolean proxied;
    private Path dir;
    private LocalFabric fabric;
    private io.cascade.topology.trust.ServerCertificate hubCertificate;
    private TcpProxy leafProxy;
    private final java.util.Map<String, TcpProxy> regionProxies = new java.util.concurrent.ConcurrentHashMap<>();

    private final int hubNodes;
    private final int regionNodes;
    /** Set when a test of the class failed: the class context does not carry a test's failure. */
    private volatile boolean testFailed;

    private FabricExtension(Fleet fleet, boolean proxied, int hubNodes, int regionNodes) {
        this.fleet = fleet;
        this.proxied = proxied;
        this.hubNodes = hubNodes;
        this.regionNodes = regionNodes;
    }

    private FabricExtension(Fleet fleet) {
        this(fleet, false, 1, 1);
    }

    /** The same fabric with the hub as a cluster of 3 nats-servers ({@link LocalFabric#startHa}). */
    public FabricExtension withHaHub() {
        return new FabricExtension(fleet, false, 3, regionNodes);
    }

    /** The same fabric with every region's relay as a cluster of 3 nats-servers ({@link LocalFabric#startHa(Fleet, java.nio.file.Path, int, int)}). */
    public FabricExtension withHaRegions() {
        return new FabricExtension(fleet, proxied, hubNodes, 3);
    }

    /**
     * The same fabric with the relays' leaf links running through {@link TcpProxy TcpProxies} the test
     * controls: each region's relay dials its own ({@link #leafProxy(String)}), which forwards to one
     * shared by all ({@link #leafProxy()}), which forwards to the hub. The hub advertises an address that
     * refuses every connection ({@link LocalFabric.LeafRoute#NOWHERE}): nats-server 2.9.10 tells remotes its leaf address (its
     * own, unless told another, even with {@code no_advertise}), and a relay that learned a real one would
     * route around its proxy on its next reconnect. With {@link #withHaRegions()}, every node of a region dials
     * the region's one proxy: cutting it cuts the region off the hub.
     */
    public FabricExtension withLeafProxy() {
        if (hubNodes > 1) {
            throw new IllegalStateException("leaf proxies are for a single hub server");
        }
        return new FabricExtension(fleet, true, 1, regionNodes);
    }

    /** The demo fleet: regions eu and us, three sites each. */
    public static FabricExtension demo() {
        return new FabricExtension(Fleets.demo());
    }

    public static FabricExtension of(Fleet fleet) {
        return new FabricExtension(fleet);
    }

    public static FabricExtension fromYaml(String yaml) {
        return new FabricExtension(FleetFile.parse(yaml, "test fleet"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("cascade-fabric-" + context.getRequiredTestClass().getSimpleName() + "-");
        LocalFabric.LeafRoute proxies = new LocalFabric.LeafRoute() {
            @Override
            public String route(String hubLeaf) {
                leafProxy = proxyTo(hubLeaf);
                return LocalFabric.LeafRoute.NOWHERE;
            }

            @Override
            public String route(String region, String advertised) {
                // one per region, whichever node of it dials
                return regionProxies.computeIfAbsent(region, r -> proxyTo(leafProxy.address())).address();
            }
        };
        fabric = proxied
                ? LocalFabric.startHa(fleet, dir, 1, regionNodes, proxies)
                : hubNodes > 1 || regionNodes > 1 ? LocalFabric.startHa(fleet, dir, hubNodes, regionNodes) : LocalFabric.start(fleet, dir);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            testFailed = true;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (fabric != null) {
            fabric.close();
        }
        regionProxies.values().forEach(TcpProxy::close);
        if (leafProxy != null) {
            leafProxy.close();
        }
        if (dir != null) {
            if (testFailed || context.getExecutionException().isPresent() || Boolean.getBoolean("cascade.keepFabric")) {
                System.err.println("fabric kept in " + dir + " (servers' logs in */nats.log)");
            } else {
                deleteRecursively(dir);
            }
        }
    }

    private static TcpProxy proxyTo(String hostPort) {
        String[] hp = hostPort.split(":");
        return TcpProxy.start(hp[0], Integer.parseInt(hp[1]));
    }

    /** The proxy on {@code region}'s leaf links only (in front of the shared one); only with {@link #withLeafProxy()}. */
    public TcpProxy leafProxy(String region) {
        leafProxy();
        TcpProxy p = regionProxies.get(region);
        if (p == null) {
            throw new IllegalArgumentException("no leaf proxy for region " + region + "; regions: " + regionProxies.keySet());
        }
        return p;
    }

    /** The proxy on every relay's leaf links; only with {@link #withLeafProxy()}. */
    public TcpProxy leafProxy() {
        if (leafProxy == null) {
            throw new IllegalStateException("this fabric was not started withLeafProxy()");
        }
        return leafProxy;
    }

    public LocalFabric fabric() {
        return fabric;
    }

    /** The fleet with its ports resolved. */
    public Fleet fleet() {
        return fabric.fleet();
    }

    public NatsServerProcess hub() {
        return fabric.hub();
    }

    public NatsServerProcess relay(String region) {
        return fabric.relay(region);
    }

    /** New credentials for {@code identity} from the fabric's trust root. */
    public UserCredentials credentials(Identity identity) {
        return fabric.credentials(identity);
    }

    /**
     * A connection to {@code server} as {@code identity} (new credentials each time), with the
     * fleet's client conventions; fails at once when the server refuses it.
     */
    public Connection connect(NatsServerProcess server, Identity identity) throws IOException, InterruptedException {
        // the hub's first node stands for the whole hub: a connection to an HA hub fails over between its nodes
        String url = server == fabric.hub() ? fabric.hubUrls() : server.clientUrl();
        return Nats.connect(NatsClients.options("test-" + identity.name(), url, credentials(identity)).build());
    }

    /**
     * A connection to {@code server} as a test tool that may publish and subscribe exactly the
     * given subjects (an observer of a region's deltas, a stand-in for several edges).
     */
    public Connection connectTool(NatsServerProcess server, String name, java.util.List<String> publish,
                                  java.util.List<String> subscribe) throws IOException, InterruptedException {
        return connect(server, new Identity.Tool(name, publish, subscribe));
    }

    /**
     * A stand-in for every site of {@code region} on its relay's server: publishes any of its sites'
     * status and sync requests and the region's queries; receives every delta subject (so a test can
     * see that another region's never arrive) and the region's beacon.
     */
    public Connection connectRegionEdges(String region) throws IOException, InterruptedException {
        return connectTool(relay(region), "edges-" + region,
                java.util.List.of(io.cascade.topology.Subjects.statusAll(region), io.cascade.topology.Subjects.syncAll(region),
                        io.cascade.topology.Subjects.query(region)),
                java.util.List.of("cascade.d.>", io.cascade.topology.Subjects.beacon(region)));
    }

    /** The hub's gRPC certificate for 127.0.0.1 and localhost, signed by the fabric's CA (made once per fabric). */
    public synchronized io.cascade.topology.trust.ServerCertificate hubCertificate() {
        if (hubCertificate == null) {
            Path d = newDir("hub-grpc-tls");
            fabric.trust().issueServerCertificate(java.util.List.of("localhost", "127.0.0.1"), d.resolve("hub.crt"), d.resolve("hub.key"));
            hubCertificate = new io.cascade.topology.trust.ServerCertificate(d.resolve("hub.crt"), d.resolve("hub.key"));
        }
        return hubCertificate;
    }

    /** The public key the fabric's hub verifies operator tokens with. */
    public String apiKey() {
        return fabric.trust().apiPublicKey();
    }

    /** A token for the hub's operator API with {@code role}, valid for an hour. */
    public String operatorToken(String name, io.cascade.topology.trust.OperatorTokens.Role role) {
        return fabric.trust().issueOperatorToken(name, role, java.time.Duration.ofHours(1));
    }

    /** The fabric CA's certificate: what a gRPC client trusts to reach the hub. */
    public Path caFile() {
        return fabric.trust().caCertFile();
    }

    /** Credentials for the hub service, as a tier's config takes them. */
    public java.util.Optional<UserCredentials> hubCredentials() {
        return java.util.Optional.of(credentials(new Identity.HubService()));
    }

    /** Credentials for a region's relay service, as a tier's config takes them. */
    public java.util.Optional<UserCredentials> relayCredentials(String region) {
        return java.util.Optional.of(credentials(new Identity.RelayService(region)));
    }

    /** A connection to the hub's server as the hub service. */
    public Connection connectHub() throws IOException, InterruptedException {
        return connect(hub(), new Identity.HubService());
    }

    /** A connection to a region's relay server as its relay service. */
    public Connection connectRelay(String region) throws IOException, InterruptedException {
        return connect(relay(region), new Identity.RelayService(region));
    }

    /** A connection to a region's relay server as the site {@code site} of that region. */
    public Connection connectSite(String region, String site) throws IOException, InterruptedException {
        return connect(relay(region), new Identity.Site(region, site));
    }

    /** A fresh directory for the test's own files (journals, configs), removed with the fabric's. */
    public Path newDir(String name) {
        try {
            return Files.createTempDirectory(dir, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
