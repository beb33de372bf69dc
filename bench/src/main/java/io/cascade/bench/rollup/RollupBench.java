package io.cascade.bench.rollup;

import io.cascade.bench.BenchReport;
import io.cascade.bench.CpuTimes;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.RegionHealth;
import io.cascade.topology.Subjects;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.trust.Identity;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rollup scenario: how much status traffic reaches the hub's nats-server. First with Cascade
 * (real edges report to their relays, the relays send rollups up), then flat (the same N sites send
 * the same messages straight to the hub, where one subscriber takes them). Each variant gets a settle
 * after every site reported, then a measured window with /varz, /leafz and /connz read at both ends.
 */
final class RollupBench {

    private static final Logger LOG = LoggerFactory.getLogger(RollupBench.class);

    static final String APP = "rollup-bench";
    private static final int INTENT_PAD_BYTES = 256;
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration DRAIN = Duration.ofSeconds(30);
    private static final String EDGE_GROUP = "client " + ServerCounters.group("cascade-edge-x");

    /** A site of the fleet and its region. */
    private record SiteRef(String name, String region) {}

    /**
     * What the cascade variant hands on.
     *
     * @param machine  facts of the machine and the hub's nats-server
     * @param result   its measurements
     * @param captured every site whose full report and heartbeat were captured, with them
     */
    private record CascadeRun(MachineFacts machine, RollupReport.Cascade result, List<FlatEdges.Site> captured) {}

    private final RollupSettings settings;
    private final Path dir;
    private final List<SiteRef> sites;

    RollupBench(RollupSettings settings, Path dir) {
        this.settings = settings;
        this.dir = dir;
        this.sites = BenchFleet.fleet(settings.edges()).regions().stream()
                .flatMap(r -> r.sites().stream().map(s -> new SiteRef(s.name(), r.name())))
                .toList();
    }

    RollupReport run() throws IOException, InterruptedException, TimeoutException {
        String startedAt = Instant.now().toString();
        CascadeRun run = cascade();
        RollupReport.Cascade cascade = run.result();
        List<FlatEdges.Site> captured = run.captured();
        RollupReport.Messages messages = new RollupReport.Messages(captured.size(),
                mean(captured, s -> s.full().getSerializedSize()), mean(captured, s -> s.heartbeat().getSerializedSize()));
        LOG.info("cascade: hub in {} msgs/s, {} B/s; messages: full report {} B, heartbeat {} B", cascade.hubInbound().msgsPerSec(),
                cascade.hubInbound().bytesPerSec(), messages.fullReportBytes(), messages.heartbeatBytes());
        if (captured.size() != sites.size()) {
            throw new IllegalStateException("the real messages of only " + captured.size() + " of " + sites.size()
                    + " sites were captured within " + settings.setupTimeout() + ": the flat variant cannot send them");
        }
        RollupReport.Flat flat = flat(captured);
        LOG.info("flat: hub in {} msgs/s, {} B/s", flat.hubInbound().msgsPerSec(), flat.hubInbound().bytesPerSec());
        Map<String, Integer> perRegion = new LinkedHashMap<>();
        sites.forEach(s -> perRegion.merge(s.region(), 1, Integer::sum));
        var runSettings = new RollupReport.Settings(settings.edges(), settings.heartbeat().toMillis(),
                settings.duration().toMillis(), settings.settle().toMillis(), perRegion, APP);
        return new RollupReport(RollupReport.SCENARIO, startedAt, run.machine(), runSettings, messages, cascade, flat,
                RollupReport.Comparison.of(flat.hubInbound(), cascade.hubInbound()));
    }

    /**
     * Hub, relays and N real edges: one intent, wait until the hub's rollup counts every site online
     * and READY (and every site's messages are captured at its relay), settle, measure.
     */
    private CascadeRun cascade() throws IOException, InterruptedException, TimeoutException {
        int n = settings.edges();
        List<String> names = sites.stream().map(SiteRef::name).toList();
        try (BenchFleet fleet = BenchFleet.start(n, dir.resolve("cascade"))) {
            MachineFacts machine = fleet.machine();
            EdgeTuning d = EdgeTuning.DEFAULTS;
            EdgeTuning tuning = new EdgeTuning(d.beaconGrace(), d.syncTimeout(), d.safetySync(), d.reconcilePeriod(),
                    d.retryMin(), d.retryMax(), settings.heartbeat());
            StatusCapture capture = StatusCapture.start(fleet.fabric(), BenchFleet.REGIONS);
            double edgesStartMs;
            double readyMs;
            long revision;
            try {
                long t0 = System.nanoTime();
                fleet.startEdges(tuning, site -> Providers.fromSpec("sim:seed=1"));
                edgesStartMs = ms(System.nanoTime() - t0);
                LOG.info("{} edges started in {} ms", n, edgesStartMs);
                long t1 = System.nanoTime();
                revision = fleet.fleetService().publishIntent(PublishIntentRequest.newBuilder()
                        .setIntent(BenchIntents.app(APP, "1", INTENT_PAD_BYTES)).build()).getIntentRevision();
                long rev = revision;
                boolean ready = await(() -> counts(fleet, rev).online() == n && counts(fleet, rev).ready() == n
                        && capture.completeSites(names) == n, settings.setupTimeout());
                readyMs = ms(System.nanoTime() - t1);
                LOG.info("hub rollup {} after {} ms: {}; messages captured for {} sites", ready ? "complete" : "INCOMPLETE",
                        readyMs, counts(fleet, rev), capture.completeSites(names));
            } finally {
                capture.close();
            }
            List<FlatEdges.Site> captured = new ArrayList<>();
            for (SiteRef s : sites) {
                capture.site(s.name()).filter(StatusCapture.SiteMessages::complete).ifPresent(m ->
                        captured.add(new FlatEdges.Site(s.name(), s.region(), m.full(), m.heartbeat())));
            }
            Thread.sleep(settings.settle().toMillis());

            RollupReport.SiteCounts before = counts(fleet, revision);
            Map<String, Long> rollups0 = rollupsSent(fleet);
            Readings start = Readings.take(fleet.fabric());
            Thread.sleep(settings.duration().toMillis());
            Readings end = Readings.take(fleet.fabric());
            Map<String, Long> rollups = rollupsSent(fleet);
            rollups.replaceAll((region, sent) -> sent - rollups0.get(region));
            RollupReport.SiteCounts after = counts(fleet, revision);

            ServerCounters.Window hub = end.hub.since(start.hub);
            Map<String, RollupReport.RelayInbound> relays = new LinkedHashMap<>();
            for (String region : BenchFleet.REGIONS) {
                ServerCounters.Window w = end.relays.get(region).since(start.relays.get(region));
                relays.put(region, new RollupReport.RelayInbound(w.in(),
                        w.inBySource().getOrDefault(EDGE_GROUP, Traffic.NONE), w.inBySource()));
            }
            return new CascadeRun(machine, new RollupReport.Cascade(edgesStartMs, readyMs, before, after,
                    BenchReport.round1(hub.seconds()), hub.in(), hub.out(), hub.inBySource(), hub.subscriptions(), relays, rollups,
                    end.cpu.millisSince(start.cpu)), captured);
        }
    }

    /**
     * A fresh hub and relay nats-servers without any service (the relays idle, outside the path), N
     * plain connections to the hub sending the captured messages, one subscriber at the hub.
     */
    private RollupReport.Flat flat(List<FlatEdges.Site> flatSites) throws IOException, InterruptedException, TimeoutException {
        int n = flatSites.size();
        try (LocalFabric fabric = LocalFabric.start(BenchFleet.fleet(n), dir.resolve("flat"));
             FlatHub hub = FlatHub.start(fabric.hub().clientUrl(), BenchFleet.REGIONS, flatSites,
                     fabric.credentials(new Identity.Tool("bench-flat-hub", List.of(),
                             BenchFleet.REGIONS.stream().map(Subjects::statusAll).toList())))) {
            long t0 = System.nanoTime();
            try (FlatEdges edges = FlatEdges.open(fabric.hub().clientUrl(), flatSites, settings.heartbeat(),
                    settings.connectParallelism(), settings.setupTimeout(),
                    fabric.credentials(new Identity.Tool("bench-flat-edges", List.of("cascade.status.>"), List.of())))) {
                double connectMs = ms(System.nanoTime() - t0);
                LOG.info("{} flat connections to the hub in {} ms", n, connectMs);
                long t1 = System.nanoTime();
                edges.start();
                await(() -> hub.sitesWithFullReport() == n, settings.setupTimeout());
                double firstReportsMs = ms(System.nanoTime() - t1);
                LOG.info("the flat hub has {} of {} full reports after {} ms", hub.sitesWithFullReport(), n, firstReportsMs);
                Thread.sleep(settings.settle().toMillis());

                long[] received0 = hub.receivedPerSite();
                long bytes0 = hub.bytes();
                Readings start = Readings.take(fabric);
                Thread.sleep(settings.duration().toMillis());
                Readings end = Readings.take(fabric);
                long[] received1 = hub.receivedPerSite();
                long bytes1 = hub.bytes();

                edges.stop();
                long sent = edges.sentTotal();
                await(() -> hub.receivedTotal() >= sent, DRAIN);
                int heard = 0;
                int all = 0;
                long window = 0;
                for (int i = 0; i < n; i++) {
                    heard += received1[i] > received0[i] ? 1 : 0;
                    all += hub.received(i) == edges.sent(i) ? 1 : 0;
                    window += received1[i] - received0[i];
                }
                ServerCounters.Window w = end.hub.since(start.hub);
                return new RollupReport.Flat(connectMs, firstReportsMs, BenchReport.round1(w.seconds()), w.in(), w.out(),
                        w.inBySource(), w.subscriptions(), Traffic.of(window, bytes1 - bytes0, w.seconds()), sent, hub.receivedTotal(),
                        heard, all, hub.rejected(), edges.disconnects(), end.cpu.millisSince(start.cpu));
            }
        }
    }

    /**
     * Counters of the hub and every relay server, and CPU, read one after the other.
     *
     * @param hub    the hub's nats-server
     * @param relays each relay's nats-server, by region
     * @param cpu    CPU so far of the servers and this JVM
     */
    private record Readings(ServerCounters hub, Map<String, ServerCounters> relays, CpuTimes cpu) {
        static Readings take(LocalFabric fabric) throws InterruptedException {
            ServerCounters hub = ServerCounters.read(fabric.hub());
            Map<String, ServerCounters> relays = new LinkedHashMap<>();
            for (var e : fabric.relays().entrySet()) {
                relays.put(e.getKey(), ServerCounters.read(e.getValue()));
            }
            return new Readings(hub, relays, CpuTimes.of(fabric));
        }
    }

    private static RollupReport.SiteCounts counts(BenchFleet fleet, long revision) {
        long online = fleet.hub().rollups().view(Optional.empty()).getRegionsList().stream()
                .mapToLong(RegionHealth::getSitesOnline).sum();
        return new RollupReport.SiteCounts(online, fleet.readyAt(APP, revision));
    }

    private static Map<String, Long> rollupsSent(BenchFleet fleet) {
        Map<String, Long> sent = new LinkedHashMap<>();
        BenchFleet.REGIONS.forEach(r -> sent.put(r, fleet.relay(r).rollup().sent()));
        return sent;
    }

    /** Polls {@code condition} until it holds (true) or {@code timeout} passed (false). */
    private static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    private static double mean(List<FlatEdges.Site> sites, ToIntFunction<FlatEdges.Site> size) {
        return BenchReport.round1(sites.stream().mapToInt(size).average().orElse(0));
    }

    private static double ms(long nanos) {
        return BenchReport.round1(nanos / 1e6);
    }
}
