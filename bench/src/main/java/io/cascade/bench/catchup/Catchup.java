package io.cascade.bench.catchup;

import static io.cascade.bench.BenchReport.percentile;
import static io.cascade.bench.BenchReport.round1;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.bench.CpuTimes;
import io.cascade.bench.catchup.CatchupReport.Applies;
import io.cascade.bench.catchup.CatchupReport.CatchUp;
import io.cascade.bench.catchup.CatchupReport.Mirror;
import io.cascade.bench.catchup.CatchupReport.Publish;
import io.cascade.bench.catchup.CatchupReport.Run;
import io.cascade.bench.catchup.CatchupReport.Sync;
import io.cascade.bench.catchup.CatchupReport.Traffic;
import io.cascade.bench.catchup.CatchupSettings.Shape;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.Providers;
import io.cascade.edge.sync.DesiredFeed;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Intent;
import io.cascade.relay.fanout.DesiredView;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One catch-up combination on a fleet with one site: every app published at {@code 1.0.0} and the
 * edge converged on it; the edge stopped; K intents ({@code 2.0.1 ... 2.0.K}) published round-robin
 * over the M apps; once the region's relay holds every app's last version, the edge restarted on the
 * same journal and timed until its provider runs every app's last version; then counted what its
 * sync carried and how often each app was applied.
 */
final class Catchup {

    private static final Logger LOG = LoggerFactory.getLogger(Catchup.class);

    /** The provider behind the edge: simulated, zero latency, no failures. */
    static final String PROVIDER = "sim:seed=1";
    /** The only site's region. */
    static final String REGION = "eu";
    /**
     * The edge's timers: the defaults' shape with short periods, as the end-to-end tests use, so a run
     * does not wait on a 5-minute safety sync (which a catch-up must not need anyway).
     */
    static final EdgeTuning TUNING = new EdgeTuning(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(20),
            Duration.ofSeconds(2), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(1));
    static final String INITIAL_VERSION = "1.0.0";
    private static final long POLL_MILLIS = 5;

    private final BenchFleet fleet;
    private final CatchupSettings settings;
    private final Shape shape;
    private final List<String> apps;

    Catchup(BenchFleet fleet, CatchupSettings settings, Shape shape) {
        this.fleet = fleet;
        this.settings = settings;
        this.shape = shape;
        this.apps = IntStream.range(0, shape.keys()).mapToObj(CatchupSettings::app).toList();
    }

    /** The timers as the report shows them. */
    static Map<String, Long> tuningMillis() {
        Map<String, Long> ms = new LinkedHashMap<>();
        ms.put("beaconGrace", TUNING.beaconGrace().toMillis());
        ms.put("syncTimeout", TUNING.syncTimeout().toMillis());
        ms.put("safetySync", TUNING.safetySync().toMillis());
        ms.put("reconcilePeriod", TUNING.reconcilePeriod().toMillis());
        ms.put("retryMin", TUNING.retryMin().toMillis());
        ms.put("retryMax", TUNING.retryMax().toMillis());
        ms.put("heartbeat", TUNING.heartbeat().toMillis());
        return ms;
    }

    Run run() throws IOException, InterruptedException {
        try (Provider cluster = Providers.fromSpec(PROVIDER)) {
            convergeOnFirstVersions(cluster);
            fleet.stopEdges();
            long offlineAt = System.nanoTime();
            Offline offline = publishWhileOffline();
            return restart(cluster, offline, offlineAt);
        }
    }

    /** What happened while the edge was stopped: the publishes, each app's last revision, the relay catching up. */
    private record Offline(Publish publish, Map<String, Long> last, Mirror mirror) {}

    /** Publishes every app at {@link #INITIAL_VERSION}, starts the edge and waits until its provider runs them. */
    private void convergeOnFirstVersions(Provider cluster) throws IOException, InterruptedException {
        IntentBurst.Outcome initial = IntentBurst.publish(fleet.fleetService(),
                intents(shape.keys(), i -> INITIAL_VERSION), settings.publishConcurrency());
        ApplyRecorder first = new ApplyRecorder(cluster);
        fleet.startEdges(TUNING, site -> first);
        if (first.awaitLive(initial.latestRevisions(), settings.timeout()).isEmpty()) {
            throw new IllegalStateException("the edge ran " + first.liveCount(initial.latestRevisions()) + " of "
                    + shape.keys() + " apps at " + INITIAL_VERSION + " after " + settings.timeout()
                    + "; no catch-up to measure");
        }
        LOG.info("{}: the edge runs all {} apps at {}; stopping it", shape, shape.keys(), INITIAL_VERSION);
    }

    /** The K deltas, then the wait until the region's relay holds every app's last revision. */
    private Offline publishWhileOffline() throws InterruptedException {
        CpuTimes cpu = fleet.cpu();
        long apiCalls = hubApiCalls();
        IntentBurst.Outcome burst = IntentBurst.publish(fleet.fleetService(),
                intents(shape.deltas(), i -> "2.0." + (i + 1)), settings.publishConcurrency());
        long publishedAt = System.nanoTime();
        Publish publish = publish(burst, fleet.cpu().millisSince(cpu), hubApiCalls() - apiCalls);
        LOG.info("{}: {} intents published in {} ms", shape, shape.deltas(), publish.wallMs());
        Map<String, Long> last = burst.latestRevisions();
        DesiredView view = fleet.relay(REGION).view();
        awaitRelay(view, last, settings.timeout());
        return new Offline(publish, last, new Mirror(ms(System.nanoTime() - publishedAt), view.appHead(), view.size()));
    }

    /** Restarts the edge on its journal, waits until it runs every app's last revision, then lets it settle. */
    private Run restart(Provider cluster, Offline offline, long offlineAt) throws IOException, InterruptedException {
        ApplyRecorder after = new ApplyRecorder(cluster);
        CpuTimes cpu0 = fleet.cpu();
        long restartAt = System.nanoTime();
        EdgeNode edge = fleet.startEdges(TUNING, site -> after).getFirst();
        long runningAt = System.nanoTime();
        OptionalLong convergedAt = after.awaitLive(offline.last(), settings.timeout());
        Map<String, Double> cpu = fleet.cpu().millisSince(cpu0);
        DesiredFeed.Stats stats = edge.stats();
        Sync sync = new Sync(stats.syncs(), stats.fullSyncs(), stats.syncEntries(), stats.syncBytes(),
                Math.round(stats.syncEntries() * 1000.0 / shape.keys()) / 1000.0, stats.gaps(), stats.deltasApplied(), 0);
        Traffic traffic = traffic(edge.config().site());
        LOG.info("{}: converged {} after {} ms; {}", shape, convergedAt.isPresent(),
                convergedAt.isPresent() ? ms(convergedAt.getAsLong() - restartAt) : -1, sync);
        Thread.sleep(settings.settle().toMillis());
        sync = sync.withSyncsDuringSettle(stats.syncs() - sync.syncs());
        CatchUp catchUp = new CatchUp(convergedAt.isPresent(), ms(restartAt - offlineAt), ms(runningAt - restartAt),
                after.firstApplyNanos().stream().mapToDouble(t -> ms(t - restartAt)).findFirst().orElse(-1),
                convergedAt.stream().mapToDouble(t -> ms(t - restartAt)).findFirst().orElse(-1));
        Applies applies = applies(after);
        fleet.stopEdges();
        return run(offline.publish(), offline.mirror(), catchUp, sync, applies, traffic, cpu);
    }

    private Run run(Publish publish, Mirror mirror, CatchUp catchUp, Sync sync, Applies applies, Traffic traffic,
                    Map<String, Double> cpu) {
        List<String> problems = new ArrayList<>();
        if (!catchUp.converged()) {
            problems.add("the edge did not run every app's last version within " + settings.timeout());
        }
        if (sync.docs() > shape.keys()) {
            problems.add("the sync sent " + sync.docs() + " docs for " + shape.keys() + " keys");
        }
        if (!applies.notOnce().isEmpty()) {
            problems.add("apps not applied exactly once: " + applies.notOnce());
        }
        if (applies.removes() > 0) {
            problems.add(applies.removes() + " removes");
        }
        return new Run(shape.deltas(), shape.keys(), publish, mirror, catchUp, sync, applies, traffic, cpu,
                problems.isEmpty(), problems);
    }

    /** Intent {@code i} of {@code count}: app {@code i mod M} at {@code version(i)}. */
    private List<Intent> intents(int count, IntFunction<String> version) {
        return IntStream.range(0, count)
                .mapToObj(i -> BenchIntents.app(apps.get(i % apps.size()), version.apply(i), settings.padBytes()))
                .toList();
    }

    private Publish publish(IntentBurst.Outcome burst, Map<String, Double> cpuMs, long apiCalls) {
        double[] lat = burst.latenciesMs();
        double wallMs = ms(burst.wallNanos());
        long lastRevision = burst.published().stream().mapToLong(IntentBurst.Published::revision).max().orElse(0);
        return new Publish(lat.length, settings.publishConcurrency(), wallMs, round1(lat.length / (wallMs / 1000.0)),
                round1(percentile(lat, 50)), round1(percentile(lat, 99)), round1(percentile(lat, 100)), burst.unchanged(),
                lastRevision, cpuMs, apiCalls);
    }

    /** Waits until the relay's view holds every app at (at least) its last intent revision. */
    private static void awaitRelay(DesiredView view, Map<String, Long> last, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        int have;
        while ((have = mirrored(view, last)) < last.size()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the relay of " + REGION + " holds " + have + " of " + last.size()
                        + " apps at their last intent revision after " + timeout);
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** Apps whose doc in {@code view} carries their intent revision in {@code last} or a later one. */
    static int mirrored(DesiredView view, Map<String, Long> last) {
        int n = 0;
        for (DesiredView.Entry e : view.appDocs()) {
            Long wanted = last.get(e.chain().appName());
            try {
                if (wanted != null && DesiredDoc.parseFrom(e.doc()).getIntentRevision() >= wanted) {
                    n++;
                }
            } catch (InvalidProtocolBufferException ex) {
                throw new IllegalStateException("the relay's view holds a malformed doc at " + e.key(), ex);
            }
        }
        return n;
    }

    private Applies applies(ApplyRecorder recorder) {
        Map<String, Integer> perApp = recorder.applies();
        Map<String, Integer> notOnce = new TreeMap<>();
        int min = Integer.MAX_VALUE;
        int max = 0;
        for (String app : apps) {
            int count = perApp.getOrDefault(app, 0);
            min = Math.min(min, count);
            max = Math.max(max, count);
            if (count != 1) {
                notOnce.put(app, count);
            }
        }
        perApp.forEach((app, count) -> {
            if (!apps.contains(app)) {
                notOnce.put(app, count);
            }
        });
        int total = perApp.values().stream().mapToInt(Integer::intValue).sum();
        return new Applies(perApp.size(), total, min, max, recorder.removes(), notOnce);
    }

    /** JetStream API requests the hub's nats-server has served so far. */
    private long hubApiCalls() throws InterruptedException {
        return fleet.fabric().hub().monitor("/jsz").path("api").path("total").asLong();
    }

    /** The edge's connection in its relay's nats-server {@code /connz}, found by its client name. */
    private Traffic traffic(String site) throws InterruptedException {
        String name = "cascade-edge-" + site;
        for (JsonNode c : fleet.fabric().relay(REGION).monitor("/connz?limit=10000").path("connections")) {
            if (name.equals(c.path("name").asText())) {
                return new Traffic(c.path("out_msgs").asLong(), c.path("out_bytes").asLong(),
                        c.path("in_msgs").asLong(), c.path("in_bytes").asLong());
            }
        }
        LOG.warn("{}: no connection named {} on the relay's nats-server", shape, name);
        return new Traffic(-1, -1, -1, -1);
    }

    private static double ms(long nanos) {
        return round1(nanos / 1_000_000.0);
    }
}
