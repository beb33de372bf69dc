package io.cascade.cli.up;

import io.cascade.topology.launch.TierProcess;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.launch.Daemon;
import io.cascade.topology.launch.DurationConverter;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.OperatorTokens;
import io.nats.client.Connection;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cascade up}: a whole fleet on this machine. Starts and supervises the nats-servers (hub and
 * one relay per region, free ports, own data dirs, leaf links up), then the hub, relay and edge
 * services as child JVMs, and shows one message crossing hub → relay → edge and back for every
 * tier and site. Runs until Ctrl-C, then stops everything it started, in reverse order.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = "Start a local fleet (hub, relays, edges) and show messages crossing every tier.")
public final class UpCommand implements Callable<Integer> {

    /** nats-servers of the hub with --ha. */
    /** Every tier service runs as {@code cascade <tier> ...} in a child JVM. */
    private static final String CASCADE = io.cascade.cli.Cascade.class.getName();
    static final int HA_HUB_SERVERS = 3;
    /** Hub service replicas with --ha. */
    static final int HA_HUB_SERVICES = 2;
    /** nats-servers of each region with --ha. */
    static final int HA_REGION_SERVERS = 3;
    /** Relay services of each region with --ha. */
    static final int HA_REGION_SERVICES = 2;

    private final List<String> extraHubAddresses = new ArrayList<>();

    @Option(names = "--fleet", description = "Fleet file (YAML); default: the bundled demo fleet (2 regions, 6 sites).")
    Path fleetFile;

    @Option(names = "--work-dir", defaultValue = ".cascade/up",
            description = "Where servers keep their configs, data and logs; emptied at start (default: ${DEFAULT-VALUE}).")
    Path workDir;

    @Option(names = "--timeout", defaultValue = "60s", converter = DurationConverter.class,
            description = "How long the fleet may take to come up (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--ha", description = "The hub as 3 nats-servers (clustered JetStream, its buckets in 3 copies) and 2 hub "
            + "service replicas (either serves the API, one drives rollouts); each region as 3 relay servers (its buckets in 3 "
            + "copies) and 2 relay services sharing its sites, every edge given all 3 relay URLs.")
    boolean ha;

    @Option(names = "--dashboard-port", defaultValue = "8443", description = "Port of the fleet dashboard the (first) hub "
            + "service serves over HTTPS (0: a free one; default: ${DEFAULT-VALUE}).")
    int dashboardPort;

    @Option(names = "--once", description = "Stop the fleet after showing the messages instead of running until Ctrl-C.")
    boolean once;

    @Option(names = {"-v", "--verbose"}, description = "Show the launcher's own log lines.")
    boolean verbose;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        long t0 = System.nanoTime();
        Instant deadline = Instant.now().plus(timeout);
        Fleet fleet = Fleets.loadOrDemo(fleetFile);
        prepare(workDir);
        out.printf("cascade up: fleet %s: %s, %d relay(s), %d edge site(s); work dir %s%n", fleet.name(),
                ha ? "HA hub (" + HA_HUB_SERVERS + " servers, " + HA_HUB_SERVICES + " services)" : "hub",
                fleet.regions().size(), fleet.sites().count(), workDir.toAbsolutePath());
        if (ha) {
            out.printf("cascade up: each region: %d relay servers, %d relay services%n", HA_REGION_SERVERS, HA_REGION_SERVICES);
        }

        Stack stack = new Stack(out);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "up-shutdown"));
        try {
            LocalFabric fabric = stack.push(ha ? LocalFabric.startHa(fleet, workDir.resolve("servers"), HA_HUB_SERVERS, HA_REGION_SERVERS)
                    : LocalFabric.start(fleet, workDir.resolve("servers")));
            printServers(fabric);
            Fleet resolved = fabric.fleet();
            startTiers(stack, resolved, fabric, deadline);
            // from here a tier process that exits (a crash, a start that met a cluster still forming) is started again
            stack.supervise();
            showCrossTierMessages(stack, resolved, fabric, deadline);
            String hubAddress = resolved.hub().host() + ":" + resolved.hub().ports().service();
            Files.writeString(workDir.resolve("hub-address"), hubAddress + "\n");
            Files.writeString(workDir.resolve("server-urls"), String.join("\n", fabric.clientUrls()) + "\n");
            // the local operator: a publisher credential in the state directory, found by the cascade commands run here
            String token = fabric.trust().issueOperatorToken("local-operator", OperatorTokens.Role.PUBLISHER, Duration.ofDays(30));
            Path credential = workDir.resolve("operator.credential");
            Files.writeString(credential, token + "\n");
            Files.setPosixFilePermissions(credential, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            new DemoRollout(out, hubAddress, fabric.trust().caCertFile(), token, resolved, sitesDir()).run(deadline);
            out.printf("fleet up in %.1f s; logs in %s%n", (System.nanoTime() - t0) / 1e9, workDir.resolve("logs"));
            out.printf("trust: every server in operator mode, trust root %s, credentials in %s%n",
                    fabric.trust().dir(), workDir.resolve("creds"));
            out.printf("gRPC API: %s over TLS, CA %s, a publisher credential in %s (the cascade commands run here find "
                    + "all three by themselves; elsewhere pass --hub %s --ca %s --credential %s)%n", hubAddress,
                    fabric.trust().caCertFile(), workDir.resolve("operator.credential"), hubAddress, fabric.trust().caCertFile(),
                    workDir.resolve("operator.credential"));
            out.printf("dashboard: https://%s:%d/ (sign in with the credential in %s; the page is served with a certificate "
                    + "of the fleet CA %s, which a browser does not know until you trust it)%n", resolved.hub().host(), dashboard(),
                    workDir.resolve("operator.credential"), fabric.trust().caCertFile());
            if (!extraHubAddresses.isEmpty()) {
                out.printf("the other hub service replica(s) serve the same API at %s (one replica drives rollouts, any "
                        + "serves calls)%n", String.join(", ", extraHubAddresses));
            }
            if (once) {
                stack.close();
                return 0;
            }
            out.println("running; a service process that exits is restarted; Ctrl-C stops every process of this fleet");
            Daemon.runUntilStopped("cascade-up", stack);
            return 0;
        } catch (RuntimeException | InterruptedException e) {
            stack.close();
            throw e;
        }
    }

    /**
     * Starts the hub, waits until it answers (its buckets exist then, so the relays' mirrors find
     * their source at once instead of retrying), then the relays and edges.
     */
    private void startTiers(Stack stack, Fleet fleet, LocalFabric fabric, Instant deadline) throws Exception {
        Path logs = workDir.resolve("logs");
        List<String> fleetArg = fleetFile == null ? List.of() : List.of("--fleet", fleetFile.toAbsolutePath().toString());
        Path creds = workDir.resolve("creds");
        Path grpcCert = creds.resolve("hub-grpc.crt");
        Path grpcKey = creds.resolve("hub-grpc.key");
        fabric.trust().issueServerCertificate(List.of(fleet.hub().host(), "localhost"), grpcCert, grpcKey);
        String hubCreds = writeCreds(fabric, new Identity.HubService(), creds.resolve("hub.creds"));
        for (int i = 1; i <= (ha ? HA_HUB_SERVICES : 1); i++) {
            int grpcPort = i == 1 ? fleet.hub().ports().service() : io.cascade.topology.launch.FreePorts.next();
            List<String> dashboard = i == 1 ? List.of("--dashboard-port", String.valueOf(dashboard())) : List.of();
            if (i > 1) {
                extraHubAddresses.add(fleet.hub().host() + ":" + grpcPort);
            }
            stack.push(TierProcess.start(i == 1 ? "hub" : "hub-" + i, logs, CASCADE, concat(List.of("hub", "--nats", fabric.hubUrls(),
                    "--replicas", String.valueOf(fabric.bucketReplicas()), "--creds", hubCreds,
                    "--tls-cert", grpcCert.toAbsolutePath().toString(), "--tls-key", grpcKey.toAbsolutePath().toString(),
                    "--api-key", fabric.trust().apiPublicKey(), "--client-ca", fabric.trust().caCertFile().toString(),
                    "--signing-key", fabric.trust().signingKeyFile().toString(),
                    "--grpc-host", fleet.hub().host(), "--grpc-port", String.valueOf(grpcPort)), dashboard, fleetArg)));
        }
        try (Connection hub = connectOperator(fabric)) {
            new Prober(hub).probe(Subjects.probeHub(), deadline);
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + stack.diagnose(), e);
        }
        for (RegionSpec r : fleet.regions()) {
            String relayUrl = fabric.relayUrls(r.name());
            String relayCreds = writeCreds(fabric, new Identity.RelayService(r.name()), creds.resolve("relay-" + r.name() + ".creds"));
            for (int i = 1; i <= (ha ? HA_REGION_SERVICES : 1); i++) {
                stack.push(TierProcess.start("relay-" + r.name() + (i == 1 ? "" : "-" + i), logs, CASCADE,
                        concat(List.of("relay", "--region", r.name(), "--nats", relayUrl, "--replicas",
                                String.valueOf(ha ? HA_REGION_SERVERS : 1), "--creds", relayCreds), fleetArg)));
            }
            if (!r.sites().isEmpty()) {
                // each site its own user, as `cascade trust site` issues it
                Path siteCreds = creds.resolve("sites-" + r.name());
                for (SiteSpec site : r.sites()) {
                    writeCreds(fabric, new Identity.Site(r.name(), site.name()), siteCreds.resolve(site.name() + ".creds"));
                }
                stack.push(TierProcess.start("edges-" + r.name(), logs, CASCADE,
                        concat(List.of("edge", "--fleet-region", r.name(), "--relay", relayUrl,
                                "--creds-dir", siteCreds.toAbsolutePath().toString(),
                                "--journal", workDir.resolve("journals").resolve(r.name()).toAbsolutePath().toString(),
                                "--provider", "dir:" + sitesDir().toAbsolutePath()), fleetArg)));
            }
        }
        out.println("services: " + String.join(", ", stack.tiers().stream()
                .map(t -> t.name() + " (pid " + t.pid() + ")").toList()));
    }

    /** The dashboard's port: the one asked for, or a free one picked once when 0 was asked. */
    private int dashboard() {
        if (dashboardPort == 0) {
            dashboardPort = io.cascade.topology.launch.FreePorts.next();
        }
        return dashboardPort;
    }

    /** The operator's connection to the hub's server: it may probe every tier, nothing else. */
    private static Connection connectOperator(LocalFabric fabric) throws java.io.IOException, InterruptedException {
        return NatsClients.connect(NatsClients.options("cascade-up", fabric.hubUrls(),
                fabric.credentials(new Identity.Operator())).build());
    }

    private static String writeCreds(LocalFabric fabric, Identity identity, Path file) {
        return fabric.credentials(identity).write(file).toAbsolutePath().toString();
    }

    private void showCrossTierMessages(Stack stack, Fleet fleet, LocalFabric fabric, Instant deadline) throws Exception {
        try (Connection hub = connectOperator(fabric)) {
            Prober prober = new Prober(hub);
            out.println("messages from the hub's nats-server to each tier and back:");
            show(stack, prober.probe(Subjects.probeHub(), deadline), "hub");
            for (RegionSpec r : fleet.regions()) {
                show(stack, prober.probe(Subjects.probeRelay(r.name()), deadline), "hub → relay " + r.name() + " → hub");
                for (SiteSpec s : r.sites()) {
                    show(stack, prober.probe(Subjects.probeSite(r.name(), s.name()), deadline),
                            "hub → relay " + r.name() + " → edge " + s.name() + " → relay → hub");
                }
            }
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + "\n" + stack.diagnose(), e);
        }
    }

    private void show(Stack stack, Prober.Answer a, String path) {
        out.printf("  %-62s %7.2f ms  (%s %s)%n", path, a.roundTrip().toNanos() / 1e6,
                a.reply().getTier(), a.reply().getResponder());
    }

    private void printServers(LocalFabric fabric) {
        List<NatsServerProcess> servers = new ArrayList<>(fabric.hubs());
        fabric.relays().keySet().forEach(region -> servers.addAll(fabric.relayNodes(region)));
        for (NatsServerProcess s : servers) {
            out.printf("  nats-server %-20s %s (pid %d, monitor %s)%n", s.name(), s.clientUrl(), s.pid(), s.monitorUrl());
        }
    }

    /** Where the edges' manifest-directory provider writes, one subdirectory per site. */
    private Path sitesDir() {
        return workDir.resolve("sites");
    }

    private static void prepare(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (var paths = Files.walk(dir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir);
    }

    @SafeVarargs
    private static List<String> concat(List<String>... parts) {
        List<String> all = new ArrayList<>();
        for (List<String> p : parts) {
            all.addAll(p);
        }
        return all;
    }

    /** What {@code up} started, closed in reverse order: tiers first, then the nats-servers. */
    static final class Stack implements AutoCloseable {
        private final List<AutoCloseable> items = new ArrayList<>();
        private final PrintStream out;
        private boolean closed;
        private Supervisor supervisor;

        Stack(PrintStream out) {
            this.out = out;
        }

        /** From now on, a tier process that exits is reported and started again ({@link Supervisor}). */
        synchronized void supervise() {
            supervisor = new Supervisor(out, this, this::isClosed);
            tiers().forEach(supervisor::watch);
        }

        synchronized boolean isClosed() {
            return closed;
        }

        synchronized <T extends AutoCloseable> T push(T item) {
            items.add(item);
            return item;
        }

        synchronized List<TierProcess> tiers() {
            return items.stream().filter(TierProcess.class::isInstance).map(TierProcess.class::cast).toList();
        }

        /** Which tiers died, with the end of their logs. */
        String diagnose() {
            StringBuilder b = new StringBuilder();
            for (TierProcess t : tiers()) {
                if (!t.isAlive()) {
                    b.append(t.name()).append(" exited; ").append(t.log()).append(" ends with:\n")
                            .append(t.logTail(15)).append('\n');
                }
            }
            return b.isEmpty() ? "every tier process is still running; see their logs" : b.toString();
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (supervisor != null) {
                supervisor.close();
            }
            out.println("stopping " + tiers().size() + " service process(es) and the nats-servers");
            // tiers stop in parallel (each may take a moment to drain), then the servers in reverse order
            tiers().parallelStream().forEach(TierProcess::close);
            for (int i = items.size() - 1; i >= 0; i--) {
                if (!(items.get(i) instanceof TierProcess)) {
                    try {
                        items.get(i).close();
                    } catch (Exception e) {
                        System.err.println("stopping " + items.get(i) + " failed: " + e);
                    }
                }
            }
            out.println("stopped");
        }
    }
}
