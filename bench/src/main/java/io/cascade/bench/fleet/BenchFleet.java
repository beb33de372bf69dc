package io.cascade.bench.fleet;

import io.cascade.bench.CpuTimes;
import io.cascade.bench.MachineFacts;
import io.cascade.edge.EdgeConfig;
import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Provider;
import io.cascade.hub.Hub;
import io.cascade.hub.HubConfig;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.RevisionRollup;
import io.cascade.relay.Relay;
import io.cascade.relay.RelayConfig;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.natsconf.Protection;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.ServerCertificate;
import io.cascade.topology.trust.UserCredentials;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The fabric every Cascade scenario runs on: a hub and two relay nats-servers on this machine (ports
 * picked free, files under the run's work dir), the hub and relay services in this JVM (on an HA fabric:
 * as child processes, {@link ServiceProcesses}), and on demand
 * the fleet's simulated edges, one {@link EdgeHost} per region (one RocksDB journal store each).
 * Sites are {@code eu-site-00001...} and {@code us-site-00001...}, labelled {@code tier=store}, split
 * evenly (eu gets the odd one).
 */
public final class BenchFleet implements AutoCloseable {

    /** The label every generated site carries; intents target it. */
    public static final Map<String, String> STORE = Map.of("tier", "store");
    public static final List<String> REGIONS = List.of("eu", "us");

    private final LocalFabric fabric;
    /** The hub service in this JVM; null when the services run as child processes. */
    private final Hub hub;
    /** The services as child processes (HA fabric); null when they run in this JVM. */
    private final ServiceProcesses services;
    /** Every leaf link through a proxy (HA fabric); null otherwise. */
    private LeafProxies leafProxies;
    private final Map<String, Relay> relays = new LinkedHashMap<>();
    private final List<EdgeHost> hosts = new ArrayList<>();
    private final ManagedChannel channel;
    private final Path workDir;
    /** Each site's credentials, issued when the fleet starts (as a fleet provisions them), not while its edges start. */
    private final Map<String, Optional<UserCredentials>> siteCredentials = new java.util.HashMap<>();

    private BenchFleet(LocalFabric fabric, Hub hub, ServiceProcesses services, ManagedChannel channel, Path workDir) {
        this.fabric = fabric;
        this.hub = hub;
        this.services = services;
        this.channel = channel;
        this.workDir = workDir;
    }

    /** The fleet file of a run with {@code sites} sites over the two regions. */
    public static Fleet fleet(int sites) {
        return FleetFile.parse(fleetYaml(sites), "bench fleet");
    }

    private static String fleetYaml(int sites) {
        int eu = (sites + 1) / 2;
        int us = sites / 2;
        StringBuilder yaml = new StringBuilder("name: bench\nhub: {host: 127.0.0.1}\nregions:\n");
        for (String region : REGIONS) {
            int count = region.equals("eu") ? eu : us;
            yaml.append("  - name: ").append(region).append('\n');
            if (count > 0) {
                yaml.append("    generate: {count: ").append(count).append(", prefix: ").append(region)
                        .append("-site-, labels: {tier: store}}\n");
            }
        }
        return yaml.toString();
    }

    /** Starts the nats-servers (files in {@code workDir}), then the hub and both relay services. */
    public static BenchFleet start(int sites, Path workDir) throws IOException, InterruptedException {
        return start(sites, workDir, Protection.FULL);
    }

    /**
     * As {@link #start(int, Path)}, the servers running with {@code protection} only (the hub's gRPC
     * API stays TLS with a bearer token: it is not on the measured paths).
     */
    public static BenchFleet start(int sites, Path workDir, Protection protection) throws IOException, InterruptedException {
        return start(LocalFabric.startCarrying(fleet(sites), workDir.resolve("fabric"), io.cascade.bench.raw.RawFanout.SUBJECTS,
                protection), workDir, 1);
    }

    /**
     * The fleet on an HA fabric: the hub and each region as a cluster of 3 nats-servers, every bucket in 3 copies, 2 hub
     * services and 2 relay services per region as child processes ({@code cascade hub}/{@code relay} with every URL of
     * their cluster, so one can be killed -9), the edges given every URL of their region.
     */
    public static BenchFleet startHa(int sites, Path workDir) throws IOException, InterruptedException {
        LeafProxies proxies = new LeafProxies();
        LocalFabric fabric;
        try {
            fabric = LocalFabric.startHa(fleet(sites), workDir.resolve("fabric"), 3, 3, proxies);
        } catch (RuntimeException | InterruptedException e) {
            proxies.close();
            throw e;
        }
        try {
            ServiceProcesses services = ServiceProcesses.start(fabric, fleetYaml(sites), workDir.resolve("services"), 2, 2);
            BenchFleet fleet = new BenchFleet(fabric, null, services, null, workDir);
            fleet.leafProxies = proxies;
            fleet.issueSiteCredentials();
            return fleet;
        } catch (IOException | RuntimeException | InterruptedException e) {
            fabric.close();
            proxies.close();
            throw e;
        }
    }

    private static BenchFleet start(LocalFabric fabric, Path workDir, int replicas) throws IOException, InterruptedException {
        Hub hub = null;
        try {
            Path tls = Files.createDirectories(workDir.resolve("hub-grpc-tls"));
            fabric.trust().issueServerCertificate(List.of("127.0.0.1", "localhost"), tls.resolve("hub.crt"), tls.resolve("hub.key"));
            HubConfig hubConfig = new HubConfig(fabric.hubUrls(), "127.0.0.1", 0, fabric.fleet(),
                    fabric.clientCredentials(new Identity.HubService()),
                    new ServerCertificate(tls.resolve("hub.crt"), tls.resolve("hub.key")), fabric.trust().apiPublicKey(),
                    fabric.trust().caCertFile()).withSigner(fabric.trust().signer()).withReplicas(replicas)
                    .withDashboard(0); // an idle HTTPS port unless a scenario (bench dashboard) loads the page
            // as `cascade hub` does: a start that met a just-formed cluster not answering yet is tried again
            hub = (Hub) startWithRetry("hub", () -> Hub.start(hubConfig));
            ManagedChannel channel = channel(hub.grpcPort(), fabric.trust().caCertFile(), operatorToken(fabric));
            BenchFleet fleet = new BenchFleet(fabric, hub, null, channel, workDir);
            try {
                fleet.issueSiteCredentials();
                for (String region : REGIONS) {
                    RelayConfig relayConfig = new RelayConfig(region, fabric.relayUrls(region), fabric.fleet(),
                            fabric.clientCredentials(new Identity.RelayService(region)), replicas);
                    fleet.relays.put(region, (Relay) startWithRetry("relay-" + region, () -> Relay.start(relayConfig)));
                }
            } catch (IOException | RuntimeException | InterruptedException e) {
                fleet.close();
                throw e;
            }
            return fleet;
        } catch (IOException | RuntimeException | InterruptedException e) {
            if (hub != null) {
                hub.close();
            }
            fabric.close();
            throw e;
        }
    }

    private void issueSiteCredentials() {
        for (String region : REGIONS) {
            for (SiteSpec s : fabric.fleet().requireRegion(region).sites()) {
                siteCredentials.put(s.name(), fabric.clientCredentials(new Identity.Site(region, s.name())));
            }
        }
    }

    /**
     * Starts every site of the fleet, one edge host per region, journals under the work dir; each
     * site's provider from {@code providers}. Returns the sites, eu first.
     */
    public List<EdgeNode> startEdges(EdgeTuning tuning, Function<String, Provider> providers)
            throws IOException, InterruptedException {
        List<EdgeNode> all = new ArrayList<>();
        for (String region : REGIONS) {
            List<SiteSpec> sites = fabric.fleet().requireRegion(region).sites();
            if (sites.isEmpty()) {
                continue;
            }
            List<EdgeConfig> configs = sites.stream()
                    .map(s -> new EdgeConfig(s.name(), region, s.labels(), fabric.relayUrls(region),
                            Optional.empty(), siteCredentials.get(s.name())))
                    .toList();
            EdgeHost host = EdgeHost.start(configs, tuning, workDir.resolve("journal-" + region), providers);
            hosts.add(host);
            all.addAll(host.edges());
        }
        return all;
    }

    /** The credentials issued to {@code site} when the fleet started (empty on a fabric without auth). */
    public Optional<UserCredentials> siteCredentials(String site) {
        Optional<UserCredentials> creds = siteCredentials.get(site);
        if (creds == null) {
            throw new IllegalArgumentException("no site " + site + " in the bench fleet");
        }
        return creds;
    }

    /** The edge hosts started so far, one per region. */
    public List<EdgeHost> hosts() {
        return List.copyOf(hosts);
    }

    /** Stops every edge host started so far (their journals stay on disk). */
    public void stopEdges() throws InterruptedException {
        for (EdgeHost h : hosts) {
            h.close();
        }
        hosts.clear();
    }

    /** Bytes of the edges' journal files on disk (both regions' stores). */
    public long journalBytes() throws IOException {
        long total = 0;
        for (String region : REGIONS) {
            Path dir = workDir.resolve("journal-" + region);
            if (Files.isDirectory(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    total += files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
                }
            }
        }
        return total;
    }

    public LocalFabric fabric() {
        return fabric;
    }

    public Fleet fleetSpec() {
        return fabric.fleet();
    }

    /** The hub service in this JVM (not on an HA fleet, whose services are child processes: {@link #services()}). */
    public Hub hub() {
        if (hub == null) {
            throw new IllegalStateException("the hub services run as child processes; use services()");
        }
        return hub;
    }

    public Relay relay(String region) {
        if (services != null) {
            throw new IllegalStateException("the relay services run as child processes; use services()");
        }
        return relays.get(region);
    }

    /** The proxies {@code region}'s relay nodes reach the hub's nodes through (HA fleet), one per hub node. */
    public List<io.cascade.topology.launch.TcpProxy> leafProxies(String region) {
        if (leafProxies == null) {
            throw new IllegalStateException("the leaf links run through proxies on an HA fleet only");
        }
        return leafProxies.region(region);
    }

    /** The services as child processes, on an HA fleet. */
    public ServiceProcesses services() {
        if (services == null) {
            throw new IllegalStateException("the services run in this JVM");
        }
        return services;
    }

    /** The global rollup as the hub serves it (GetRollup), restricted to {@code app} if given. */
    public io.cascade.proto.GlobalRollup rollup(Optional<String> app) {
        return hub != null ? hub.rollups().view(app) : services.rollup(app);
    }

    /**
     * Sites the hub's global rollup (its in-memory view, as GetRollup serves it) counts READY at
     * {@code intentRevision} of {@code app}.
     */
    public long readyAt(String app, long intentRevision) {
        return rollup(Optional.of(app)).getAppsList().stream()
                .filter(a -> a.getCounts().getApp().equals(app))
                .flatMap(a -> a.getCounts().getRevisionsList().stream())
                .filter(r -> r.getIntentRevision() == intentRevision)
                .mapToLong(RevisionRollup::getReady).sum();
    }

    /** A blocking FleetService stub on the hub's gRPC port. */
    public FleetServiceGrpc.FleetServiceBlockingStub fleetService() {
        return services != null ? services.fleetService() : FleetServiceGrpc.newBlockingStub(channel);
    }


    public CpuTimes cpu() {
        return CpuTimes.of(fabric);
    }

    public MachineFacts machine() throws InterruptedException {
        return MachineFacts.describe(fabric.hub());
    }

    /** Edge hosts, then the gRPC channel, relays, hub, and the nats-servers. */
    @Override
    public void close() throws InterruptedException {
        try {
            stopEdges();
            if (services != null) {
                services.close();
                return;
            }
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            for (Relay r : relays.values()) {
                r.close();
            }
            hub.close();
        } finally {
            fabric.close();
            if (leafProxies != null) {
                leafProxies.close();
            }
        }
    }

    private static AutoCloseable startWithRetry(String name, io.cascade.topology.launch.Daemon.Starter starter)
            throws IOException, InterruptedException {
        try {
            return io.cascade.topology.launch.Daemon.startWithRetry(name, starter, io.cascade.topology.launch.Daemon.START_RETRY);
        } catch (IOException | InterruptedException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(name + " did not start: " + e.getMessage(), e);
        }
    }

    /** The bench's publisher credential for its own hub. */
    public static String operatorToken(io.cascade.topology.launch.LocalFabric fabric) {
        return fabric.trust().issueOperatorToken("bench", io.cascade.topology.trust.OperatorTokens.Role.PUBLISHER,
                java.time.Duration.ofDays(1));
    }

    /** A channel to a local hub's gRPC port over TLS, trusting the fabric's CA ({@code ca}), calling with {@code token}. */
    public static ManagedChannel channel(int grpcPort, Path ca, String token) {
        try {
            io.grpc.Metadata headers = new io.grpc.Metadata();
            headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
            return NettyChannelBuilder.forAddress("127.0.0.1", grpcPort,
                    io.grpc.TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build())
                    .intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers)).build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the fabric's CA " + ca, e);
        }
    }
}
