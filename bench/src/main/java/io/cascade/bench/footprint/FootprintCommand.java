package io.cascade.bench.footprint;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.relay.Relay;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.trust.UserCredentials;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench footprint}: one edge site per JVM, as on a device: memory, threads, files, start, CPU. */
@Command(name = "footprint", mixinStandardHelpOptions = true,
        description = {"Footprint of one edge site per JVM, as a device runs it: starts a hub and 2 relays (auth, TLS), "
                + "publishes one app, then per provider (sim, dir, k8s against fabric8's mock API server) and JVM settings "
                + "starts `java <options> -jar cascade-edge.jar` for one site and measures the time to its first acknowledged "
                + "status, then idle and after N deltas: resident memory (anonymous + file-backed), heap after GC, threads, "
                + "open files, CPU per delta; a second process with native memory tracking gives NMT's categories.",
                "Writes footprint.json and footprint.md to --out and prints them."})
public final class FootprintCommand extends ScenarioCommand {

    static final String APP = "footprint";
    private static final String DEFAULTS = "defaults";
    private static final String CUSTOM = "custom";
    /** What `./cascade edge` passed before issue 31 (RocksDB's JNI library needs it on JDK 22+ to load quietly). */
    private static final List<String> DEFAULT_OPTIONS = List.of("--enable-native-access=ALL-UNNAMED");

    @Option(names = "--providers", split = ",", defaultValue = "sim,dir,k8s", description = "Providers to run (default: ${DEFAULT-VALUE}).")
    List<String> providers;

    @Option(names = "--settings", split = ",", defaultValue = DEFAULTS + "," + FootprintReport.EDGE_SETTINGS,
            description = "JVM settings to run each provider with: defaults (the JVM's own), edge (" + JvmOptionsFile.PATH
                    + ") (default: ${DEFAULT-VALUE}); --jvm-options adds a run with those.")
    List<String> settings;

    @Option(names = "--jvm-options", paramLabel = "OPTIONS", description = "A further run per provider with these JVM options "
            + "(space-separated), named custom: for trying a change before it goes into " + JvmOptionsFile.PATH + ".")
    String customOptions;

    @Option(names = "--deltas", defaultValue = "100", description = "Deltas each site applies between its samples (default: ${DEFAULT-VALUE}).")
    int deltas;

    @Option(names = "--idle", defaultValue = "5", description = "Seconds a site idles after its first app before the idle sample (default: ${DEFAULT-VALUE}).")
    int idleSeconds;

    @Option(names = "--nmt", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also run each with native memory tracking for NMT's categories (default: on).")
    boolean nmt;

    @Option(names = "--home", description = "Cascade's checkout: " + JvmOptionsFile.PATH + " and " + JvmOptionsFile.JAR + " "
            + "(default: -Dcascade.home, which ./cascade sets, else the working directory or above).")
    Path home;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        for (String p : providers) {
            if (!List.of("sim", "dir", "k8s").contains(p)) {
                throw new IllegalArgumentException("--providers: unknown provider " + p + "; expected sim, dir, k8s");
            }
        }
        for (String s : settings) {
            if (!List.of(DEFAULTS, FootprintReport.EDGE_SETTINGS).contains(s)) {
                throw new IllegalArgumentException("--settings: unknown " + s + "; expected defaults, edge");
            }
        }
        if (deltas < 1 || idleSeconds < 0) {
            throw new IllegalArgumentException("--deltas must be at least 1 and --idle not negative");
        }
        Path root = home != null ? home : JvmOptionsFile.home();
        Path edgeJar = root.resolve(JvmOptionsFile.JAR);
        if (!Files.isRegularFile(edgeJar)) {
            throw new IllegalStateException(edgeJar + " is missing: build first (mvn package, or ./cascade bench builds it)");
        }
        List<String> edgeOptions = new ArrayList<>(JvmOptionsFile.read(root.resolve(JvmOptionsFile.PATH)));
        Path archive = root.resolve(JvmOptionsFile.ARCHIVE);
        edgeOptions.addAll(JvmOptionsFile.launchOptions(root));
        List<Map.Entry<String, List<String>>> variants = new ArrayList<>();
        for (String s : settings) {
            variants.add(Map.entry(s, s.equals(DEFAULTS) ? DEFAULT_OPTIONS : edgeOptions));
        }
        if (customOptions != null) {
            variants.add(Map.entry(CUSTOM, Arrays.stream(customOptions.strip().split("\\s+")).toList()));
        }
        String startedAt = Instant.now().toString();
        boolean edgeRuns = settings.contains(FootprintReport.EDGE_SETTINGS);
        int processes = providers.size() * variants.size() * (nmt ? 2 : 1) + (edgeRuns ? providers.size() : 0);
        try (BenchFleet fleet = BenchFleet.start(2 * processes, dir);
             KubeMock kube = providers.contains("k8s") ? KubeMock.start(dir.resolve("k8s")) : null) {
            if (kube != null) {
                kube.acceptApplies(APP, APP);
            }
            Sites sites = new Sites(fleet, dir);
            sites.publishNext();
            List<FootprintReport.Run> runs = new ArrayList<>();
            for (String provider : providers) {
                // a device's first start with the edge's settings writes the class-data archive at its exit, holding the
                // classes its provider loads (fabric8's for k8s); that provider's measured starts map it
                FootprintReport.FirstStart first = edgeRuns ? firstStart(sites, provider, edgeOptions, kube, edgeJar, archive) : null;
                for (Map.Entry<String, List<String>> v : variants) {
                    FootprintReport.Run run = measure(sites, provider, v.getKey(), v.getValue(), false, kube, edgeJar);
                    if (nmt) {
                        FootprintReport.Run tracked = measure(sites, provider, v.getKey(), v.getValue(), true, kube, edgeJar);
                        run = run.withNmt(tracked.idle().nmtCommittedKb(), tracked.afterDeltas().nmtCommittedKb());
                    }
                    runs.add(v.getKey().equals(FootprintReport.EDGE_SETTINGS) ? run.withFirstStart(first) : run);
                }
            }
            return new FootprintReport(FootprintReport.SCENARIO, startedAt, fleet.machine(), edgeOptions, deltas, idleSeconds, runs);
        }
    }

    /** A device's first start: no archive yet; the JVM writes it at exit (when this start's process stops). */
    private FootprintReport.FirstStart firstStart(Sites sites, String provider, List<String> edgeOptions, KubeMock kube, Path edgeJar,
                                                  Path archive) throws Exception {
        Files.deleteIfExists(archive);
        double ms;
        try (Launched first = launch(sites, provider, edgeOptions, false, kube, edgeJar)) {
            ms = first.startToAckMs();
        }
        if (!Files.isRegularFile(archive)) {
            throw new IllegalStateException("the first start with the edge's settings left no class-data archive " + archive);
        }
        return new FootprintReport.FirstStart(BenchReport.round1(ms), Files.size(archive));
    }

    /** One edge process: its start, idle, the deltas and after them. */
    private FootprintReport.Run measure(Sites sites, String provider, String settingsName, List<String> options, boolean nmt,
                                        KubeMock kube, Path edgeJar) throws Exception {
        try (Launched launched = launch(sites, provider, options, nmt, kube, edgeJar)) {
            EdgeProcess edge = launched.edge();
            Thread.sleep(TimeUnit.SECONDS.toMillis(idleSeconds));
            FootprintReport.Sample idle = edge.sample(nmt);
            long cpu = edge.cpuMillis();
            Map<String, Long> threadCpu = edge.cpuMillisByThread();
            long deltasStart = System.nanoTime();
            for (int i = 1; i <= deltas; i++) {
                awaitReady(launched.relay(), launched.site(), sites.publishNext(), edge);
            }
            double deltasSeconds = (System.nanoTime() - deltasStart) / 1e9;
            double cpuPerDelta = (edge.cpuMillis() - cpu) / (double) deltas;
            Map<String, Double> cpuPerDeltaByThread = new TreeMap<>();
            edge.cpuMillisByThread().forEach((name, ms) -> {
                long used = ms - threadCpu.getOrDefault(name, 0L);
                if (used > 0) {
                    cpuPerDeltaByThread.put(name, BenchReport.round1(used / (double) deltas));
                }
            });
            Thread.sleep(1000);
            FootprintReport.Sample after = edge.sample(nmt);
            return new FootprintReport.Run(provider, settingsName, options, BenchReport.round1(launched.startToAckMs()), idle,
                    after, BenchReport.round1(deltasSeconds), BenchReport.round1(cpuPerDelta), cpuPerDeltaByThread, Map.of(), Map.of(),
                    null);
        }
    }

    /** An edge process started for one site, READY at the app's current revision; closing it stops the process. */
    private record Launched(EdgeProcess edge, Relay relay, String site, double startToAckMs) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            edge.close();
        }
    }

    /**
     * Starts {@code java <options> -jar <edgeJar>} for the next free site and waits for the relay to record its first
     * status (the start's time), then for the app READY.
     */
    private Launched launch(Sites sites, String provider, List<String> options, boolean nmt, KubeMock kube, Path edgeJar)
            throws Exception {
        SiteSpec site = sites.next();
        Path siteDir = Files.createDirectories(sites.dir.resolve(site.name()));
        List<String> args = new ArrayList<>(List.of("--site", site.name(), "--region", "eu", "--labels", "tier=store",
                "--relay", sites.fleet.fabric().relayUrls("eu"), "--journal", siteDir.resolve("journal").toString(),
                "--provider", switch (provider) {
                    case "sim" -> "sim:seed=1";
                    case "dir" -> "dir:" + siteDir.resolve("manifests");
                    default -> "k8s";
                }));
        Optional<UserCredentials> creds = sites.fleet.siteCredentials(site.name());
        if (creds.isPresent()) {
            args.addAll(List.of("--creds", creds.get().write(siteDir.resolve("site.creds")).toString()));
        }
        Map<String, String> env = kube != null && provider.equals("k8s") ? Map.of("KUBECONFIG", kube.kubeconfig().toString()) : Map.of();
        Relay relay = sites.fleet.relay("eu");
        if (relay.sites().latest(site.name()).isPresent()) {
            throw new IllegalStateException("site " + site.name() + " reported before its edge started");
        }
        long start = System.nanoTime();
        EdgeProcess edge = EdgeProcess.start(options, nmt, edgeJar, args, env, siteDir.resolve("edge.log"));
        try {
            while (relay.sites().latest(site.name()).isEmpty()) {
                check(edge, start, 60, "its first status");
                Thread.sleep(1);
            }
            double startToAckMs = (System.nanoTime() - start) / 1e6;
            awaitReady(relay, site.name(), sites.revision, edge);
            return new Launched(edge, relay, site.name(), startToAckMs);
        } catch (Exception | Error e) {
            try {
                edge.close();
            } catch (InterruptedException stopping) {
                e.addSuppressed(stopping);
                Thread.currentThread().interrupt();
            }
            throw e;
        }
    }

    /** Waits until the relay has {@code site} READY at {@code revision} of the app. */
    private static void awaitReady(Relay relay, String site, long revision, EdgeProcess edge) throws Exception {
        long start = System.nanoTime();
        while (true) {
            Optional<AppStatus> app = relay.sites().latest(site).stream().flatMap(s -> s.getAppsList().stream())
                    .filter(a -> a.getApp().equals(APP)).findFirst();
            if (app.isPresent() && app.get().getIntentRevision() == revision) {
                if (app.get().getState() == AppState.READY) {
                    return;
                }
                if (app.get().getState() == AppState.FAILED) {
                    throw new IllegalStateException("site " + site + " failed revision " + revision + ": " + app.get().getMessage());
                }
            }
            check(edge, start, 30, "revision " + revision + " READY");
            Thread.sleep(1);
        }
    }

    private static void check(EdgeProcess edge, long since, int seconds, String what) {
        if (!edge.isAlive()) {
            throw new IllegalStateException("the edge (pid " + edge.pid() + ") exited before " + what + "; see " + edge.log());
        }
        if (System.nanoTime() - since > TimeUnit.SECONDS.toNanos(seconds)) {
            throw new IllegalStateException("no " + what + " from the edge (pid " + edge.pid() + ") in " + seconds + " s; see " + edge.log());
        }
    }

    /** The eu sites of the fleet, one per edge process, and the app's current revision. */
    private static final class Sites {
        final BenchFleet fleet;
        final Path dir;
        final Iterator<SiteSpec> free;
        long revision;
        int versions;

        Sites(BenchFleet fleet, Path dir) {
            this.fleet = fleet;
            this.dir = dir.resolve("edges");
            this.free = fleet.fleetSpec().requireRegion("eu").sites().iterator();
        }

        SiteSpec next() {
            return free.next();
        }

        /** Publishes the app's next version; returns its intent revision. */
        long publishNext() {
            String version = String.valueOf(++versions);
            revision = fleet.fleetService().withDeadlineAfter(30, TimeUnit.SECONDS)
                    .publishIntent(PublishIntentRequest.newBuilder().setIntent(BenchIntents.app(APP, version, 512)).build())
                    .getIntentRevision();
            return revision;
        }
    }
}
