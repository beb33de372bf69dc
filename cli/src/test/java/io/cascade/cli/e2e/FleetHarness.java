package io.cascade.cli.e2e;

import io.cascade.edge.EdgeConfig;
import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Provider;
import io.cascade.hub.Hub;
import io.cascade.hub.HubConfig;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.proto.WithdrawIntentRequest;
import io.cascade.relay.Relay;
import io.cascade.relay.RelayConfig;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.Identity;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A whole fleet in one test JVM on real nats-servers: the hub service, one relay service per region,
 * and edge hosts started and stopped per site, each with its own journal directory and provider.
 */
final class FleetHarness implements AutoCloseable {

    /** Short timers so tests converge in seconds. */
    static final EdgeTuning FAST = new EdgeTuning(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(20),
            Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1));

    final FabricExtension fabric;
    /** The hub service in this JVM; null when the test runs hub services of its own ({@link #withHubAt}). */
    final Hub hub;
    /** The gRPC address the harness's client and cascade commands use. */
    final String hubAddress;
    final Map<String, Relay> relays = new LinkedHashMap<>();
    final Map<String, EdgeHost> edges = new HashMap<>();
    final Map<String, Path> journals = new HashMap<>();
    private final List<EdgeHost> regionHosts = new ArrayList<>();
    final ManagedChannel channel;
    /** A publisher credential for the cascade commands under test ({@code --credential}). */
    final Path credentialFile;
    final FleetServiceGrpc.FleetServiceBlockingStub fleetService;
    private final Function<String, Provider> providers;

    FleetHarness(FabricExtension fabric, Function<String, Provider> providers) throws Exception {
        this(fabric, providers, null, java.util.Set.of());
    }

    private FleetHarness(FabricExtension fabric, Function<String, Provider> providers, String externalHub,
                         java.util.Set<String> externalRelays) throws Exception {
        this.fabric = fabric;
        this.providers = providers;
        Fleet fleet = fabric.fleet();
        hub = externalHub != null ? null : Hub.start(new HubConfig(fabric.fabric().hubUrls(), "127.0.0.1", 0, fleet,
                fabric.hubCredentials(), fabric.hubCertificate(), fabric.apiKey(), fabric.caFile())
                .withSigner(fabric.fabric().trust().signer()).withReplicas(fabric.fabric().bucketReplicas()).withDashboard(0));
        hubAddress = externalHub != null ? externalHub : "127.0.0.1:" + hub.grpcPort();
        String token = fabric.operatorToken("harness", io.cascade.topology.trust.OperatorTokens.Role.PUBLISHER);
        credentialFile = java.nio.file.Files.writeString(fabric.newDir("operator").resolve("publisher.credential"), token);
        for (String region : fleet.regionNames()) {
            if (!externalRelays.contains(region)) {
                relays.put(region, startRelay(region));
            }
        }
        channel = io.cascade.cli.intent.HubAddress.channel(hubAddress, fabric.caFile(), java.util.Optional.of(token));
        fleetService = FleetServiceGrpc.newBlockingStub(channel);
    }

    /**
     * A fleet file of two regions, eu and us, each of {@code perRegion} generated sites labelled tier=store and
     * named {@code <region>-<prefix>NNNN}: the shape the many-site tests share.
     */
    static String twoRegions(String name, int perRegion, String prefix) {
        return """
                name: %s
                regions:
                  - name: eu
                    generate: {count: %d, prefix: eu-%s, labels: {tier: store}}
                  - name: us
                    generate: {count: %d, prefix: us-%s, labels: {tier: store}}
                """.formatted(name, perRegion, prefix, perRegion, prefix);
    }

    Relay startRelay(String region) throws Exception {
        return Relay.start(new RelayConfig(region, fabric.fabric().relayUrls(region), fabric.fleet(), fabric.relayCredentials(region),
                fabric.fabric().relayNodes(region).size() >= 3 ? 3 : 1));
    }

    SiteSpec site(String name) {
        return fabric.fleet().sites().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    String regionOf(String site) {
        return site(site).labels().get("region");
    }

    /** Starts one site (its journal dir is kept across restarts of the same site). */
    EdgeNode startEdge(String name) throws Exception {
        SiteSpec s = site(name);
        String region = regionOf(name);
        Path journal = journals.computeIfAbsent(name, n -> fabric.newDir("journal-" + n));
        EdgeHost host = EdgeHost.start(List.of(new EdgeConfig(name, region, s.labels(), fabric.fabric().relayUrls(region),
                fabric.credentials(new Identity.Site(region, name)))),
                FAST, journal, providers);
        edges.put(name, host);
        return host.edges().get(0);
    }

    private static final Function<String, Provider> OWN_HOSTS = site -> {
        throw new IllegalStateException("this test builds its own hosts");
    };

    /** A harness whose test starts its own edge hosts ({@link #startRegionHosts}): it has no per-site providers. */
    static FleetHarness withOwnHosts(FabricExtension fabric) throws Exception {
        return new FleetHarness(fabric, OWN_HOSTS);
    }

    /**
     * A harness without a hub service of its own: the test runs them (e.g. as child processes it may kill -9) and
     * names the one the harness talks to; relays start at once, so the hub's buckets must exist. Own hosts only.
     */
    static FleetHarness withHubAt(FabricExtension fabric, String hubAddress) throws Exception {
        return new FleetHarness(fabric, OWN_HOSTS, hubAddress, java.util.Set.of());
    }

    /** A harness that runs no relay service for {@code regions}: the test runs them (e.g. as child processes). Own hosts only. */
    static FleetHarness withRelaysOutside(FabricExtension fabric, String... regions) throws Exception {
        return new FleetHarness(fabric, OWN_HOSTS, null, java.util.Set.of(regions));
    }

    /** {@link #startRegionHost} for every region, in the fleet's order; this harness closes them. */
    List<EdgeHost> startRegionHosts(Function<String, Provider> providers) throws Exception {
        List<EdgeHost> started = new ArrayList<>();
        for (String region : fabric.fleet().regionNames()) {
            EdgeHost host = startRegionHost(region, providers);
            regionHosts.add(host);
            started.add(host);
        }
        return started;
    }

    /**
     * Every site of {@code region} in one edge host: one journal store for all of them, as a
     * benchmark or a large simulated region runs. The caller closes the host.
     */
    EdgeHost startRegionHost(String region, Function<String, Provider> providers) throws Exception {
        return startRegionHost(region, providers, FAST);
    }

    /** {@link #startRegionHost(String, Function)} with the edges' timers of the caller's choosing. */
    EdgeHost startRegionHost(String region, Function<String, Provider> providers, EdgeTuning tuning) throws Exception {
        List<EdgeConfig> configs = fabric.fleet().requireRegion(region).sites().stream()
                .map(s -> new EdgeConfig(s.name(), region, s.labels(), fabric.fabric().relayUrls(region),
                        fabric.credentials(new Identity.Site(region, s.name()))))
                .toList();
        return EdgeHost.start(configs, tuning, fabric.newDir("journal-" + region), providers);
    }

    List<EdgeNode> startAllEdges() throws Exception {
        List<EdgeNode> started = new ArrayList<>();
        for (SiteSpec s : fabric.fleet().sites().toList()) {
            started.add(startEdge(s.name()));
        }
        return started;
    }

    void stopEdge(String name) throws InterruptedException {
        EdgeHost host = edges.remove(name);
        if (host != null) {
            host.close();
        }
    }

    EdgeNode edge(String name) {
        return edges.get(name).edges().get(0);
    }

    PublishIntentResponse publish(Intent intent) {
        return fleetService.withDeadlineAfter(30, TimeUnit.SECONDS)
                .publishIntent(PublishIntentRequest.newBuilder().setIntent(intent).build());
    }

    void withdraw(String app) {
        fleetService.withDeadlineAfter(30, TimeUnit.SECONDS).withdrawIntent(WithdrawIntentRequest.newBuilder().setApp(app).build());
    }

    @Override
    public void close() throws Exception {
        for (EdgeHost h : regionHosts) {
            h.close();
        }
        for (String name : List.copyOf(edges.keySet())) {
            stopEdge(name);
        }
        channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        for (Relay r : relays.values()) {
            r.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /** What a cascade command printed and returned. */
    record Run(int exitCode, String out, String err) {}

    /** Runs a cascade command against this harness's hub: its address, the fabric's CA and a publisher credential. */
    Run cascade(String... args) {
        picocli.CommandLine cli = io.cascade.topology.launch.CommandMain.commandLine(new io.cascade.cli.Cascade());
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        List<String> all = new java.util.ArrayList<>(List.of(args));
        all.addAll(List.of("--hub", hubAddress, "--ca", fabric.caFile().toString(),
                "--credential", credentialFile.toString()));
        return new Run(cli.execute(all.toArray(String[]::new)), out.toString(), err.toString());
    }
}
