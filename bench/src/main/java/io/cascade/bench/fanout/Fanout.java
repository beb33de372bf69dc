package io.cascade.bench.fanout;

import io.cascade.bench.CpuTimes;
import io.cascade.bench.Jvm;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.bench.raw.RawFanout;
import io.cascade.bench.raw.RawFanoutReport;
import io.cascade.bench.raw.RawFanoutSettings;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RolloutState;
import io.cascade.topology.fleet.SiteSpec;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fan-out scenario: first the raw NATS limit on the same servers (plain subscribers, one
 * message on a shared subject), then N simulated edges with real journals, and per round one new
 * version of one app published at the hub: when each site applied it, and when the hub's rollup
 * counted every site READY.
 */
final class Fanout {

    private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);

    static final String APP = "fanout";
    /** Extra bytes in the app's ConfigMap: a small but not empty doc. */
    static final int PAD_BYTES = 512;
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private final BenchFleet fleet;
    private final FanoutSettings settings;

    Fanout(BenchFleet fleet, FanoutSettings settings) {
        this.fleet = fleet;
        this.settings = settings;
    }

    FanoutReport run() throws Exception {
        String startedAt = Instant.now().toString();
        MachineFacts machine = fleet.machine();
        int n = settings.edges();

        LOG.info("raw limit: {} plain subscribers, {} rounds", n, settings.rounds());
        RawFanoutReport raw = new RawFanout(fleet.fabric(), new RawFanoutSettings(n, settings.rounds(),
                settings.warmupRounds(), 64, settings.roundTimeout(), settings.setupTimeout())).run();
        LOG.info("raw limit: last received {} ms (median)", raw.shared().summary().medianLastMs());

        Map<String, Integer> slots = new HashMap<>();
        Map<String, Integer> perRegion = new LinkedHashMap<>();
        for (SiteSpec s : fleet.fleetSpec().sites().toList()) {
            slots.put(s.name(), slots.size());
            perRegion.merge(s.labels().get("region"), 1, Integer::sum);
        }
        ApplyClock clock = new ApplyClock(APP, slots);
        long heapBefore = Jvm.usedHeapAfterGc();
        CpuTimes cpuBefore = fleet.cpu();
        long t0 = System.nanoTime();
        List<EdgeNode> edges = fleet.startEdges(settings.tuning(), site -> clock.wrap(site, Providers.fromSpec("sim:seed=1")));
        double startMs = Jvm.ms(System.nanoTime() - t0);
        Map<String, Double> startCpu = fleet.cpu().millisSince(cpuBefore);
        LOG.info("{} edges started in {} ms", n, startMs);
        long t1 = System.nanoTime();
        await(() -> online() >= n, settings.setupTimeout(), () -> "the hub counted " + online() + " of " + n + " sites online");
        double onlineMs = Jvm.ms(System.nanoTime() - t1);
        double heapPerEdgeKb = Jvm.kbPer(Jvm.usedHeapAfterGc() - heapBefore, n);
        LOG.info("all {} sites online at the hub after {} ms; {} KB heap per edge", n, onlineMs, heapPerEdgeKb);

        List<FanoutRound> measured = new ArrayList<>();
        for (int r = 1 - settings.warmupRounds(); r <= settings.rounds(); r++) {
            FanoutRound round = round(clock, edges, r, "v" + (r + settings.warmupRounds()));
            LOG.info("round {}{}: first {} ms, p50 {}, p99 {}, last {}, hub N/N {}, applied {}/{}", r,
                    r < 1 ? " (warm-up)" : "", round.firstMs(), round.p50Ms(), round.p99Ms(), round.lastMs(),
                    round.hubRollupMs(), round.applied(), n);
            if (r >= 1 || round.error() != null) {
                measured.add(round);
            }
            if (round.error() != null) {
                LOG.warn("round {}: {}; no further rounds", r, round.error());
                break;
            }
        }
        fleet.stopEdges();
        long journalBytes = fleet.journalBytes();

        var runSettings = new FanoutReport.Settings(n, settings.rounds(), settings.warmupRounds(), perRegion,
                settings.tuning().toString(), fleet.fabric().protection());
        FanoutReport.Summary summary = FanoutReport.Summary.of(measured, settings.rounds());
        return new FanoutReport(FanoutReport.SCENARIO, startedAt, machine, runSettings, raw.shared(),
                new FanoutReport.Setup(raw.setup().connectMs(), raw.setup().connectCpuMs(), startMs, startCpu, onlineMs, heapPerEdgeKb, journalBytes), measured, summary,
                FanoutReport.Ratios.of(summary, raw.shared().summary()));
    }

    /** One round: publish version {@code version}, wait for every apply and the hub's N/N, then for the promotion. */
    private FanoutRound round(ApplyClock clock, List<EdgeNode> edges, int round, String version) throws Exception {
        int n = settings.edges();
        AtomicLong hubAt = new AtomicLong();
        AtomicLong target = new AtomicLong(-1);
        Runnable checkHub = () -> {
            long rev = target.get();
            if (rev > 0 && hubAt.get() == 0 && fleet.readyAt(APP, rev) >= n) {
                hubAt.compareAndSet(0, System.nanoTime());
            }
        };
        CpuTimes before = fleet.cpu();
        long gcBefore = Jvm.gcPauseMillis();
        try (AutoCloseable watch = fleet.hub().rollups().subscribe(checkHub)) {
            long sentAt = System.nanoTime();
            PublishIntentResponse published;
            try {
                published = fleet.fleetService().withDeadlineAfter(30, TimeUnit.SECONDS)
                        .publishIntent(PublishIntentRequest.newBuilder()
                                .setIntent(BenchIntents.app(APP, version, PAD_BYTES)).build());
            } catch (StatusRuntimeException e) {
                return FanoutRound.failed(round, n, sentAt, fleet.cpu().millisSince(before),
                        Jvm.gcPauseMillis() - gcBefore, "PublishIntent failed: " + e.getStatus());
            }
            long publishedAt = System.nanoTime();
            long revision = published.getIntentRevision();
            target.set(revision);
            checkHub.run();
            long deadline = sentAt + settings.roundTimeout().toNanos();
            while (System.nanoTime() < deadline) {
                // one scan of the sites per poll; the hub is asked on each rollup change and once more here
                if (clock.appliedAt(revision) >= n) {
                    checkHub.run();
                    if (hubAt.get() != 0) {
                        break;
                    }
                }
                Thread.sleep(Duration.ofNanos(POLL_NANOS));
            }
            CpuTimes after = fleet.cpu();
            FanoutRound result = FanoutRound.of(round, revision, clock, deliveries(edges, sentAt), sentAt, publishedAt, hubAt.get(),
                    after.millisSince(before), Jvm.gcPauseMillis() - gcBefore);
            awaitPromoted(revision);
            return result;
        }
    }

    /** The hub promotes a completed single-wave rollout to stable; the next round starts after that. */
    private void awaitPromoted(long revision) throws InterruptedException {
        try {
            await(() -> fleet.hub().rollups().view(Optional.of(APP)).getAppsList().stream()
                            .filter(a -> a.getCounts().getApp().equals(APP))
                            .anyMatch(a -> a.getRolloutState() == RolloutState.STABLE && a.getStableIntentRevision() == revision),
                    settings.roundTimeout(), () -> "revision " + revision + " was not promoted");
        } catch (TimeoutException e) {
            LOG.warn("{}; starting the next round anyway", e.getMessage());
        }
    }

    /** Sorted nanoseconds from {@code sentAt} to each site's receipt of its last delta, for those that got one since. */
    private static long[] deliveries(List<EdgeNode> edges, long sentAt) {
        return edges.stream().mapToLong(EdgeNode::lastDeltaArrivedNanos).filter(t -> t >= sentAt)
                .map(t -> t - sentAt).sorted().toArray();
    }

    private long online() {
        return fleet.hub().rollups().view(Optional.empty()).getRegionsList().stream()
                .mapToLong(RegionHealth::getSitesOnline).sum();
    }

    private static void await(BooleanSupplier done, Duration timeout, Supplier<String> what)
            throws InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("within " + timeout + " " + what.get());
            }
            Thread.sleep(20);
        }
    }
}
