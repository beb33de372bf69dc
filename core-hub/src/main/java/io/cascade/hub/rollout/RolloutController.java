package io.cascade.hub.rollout;

import io.cascade.topology.client.Lease;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import io.cascade.hub.desired.DesiredDocs;
import io.cascade.hub.intent.IntentException;
import io.cascade.hub.intent.Intents;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.hub.metrics.HubMetrics.Action;
import io.cascade.proto.AppRollup;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.RolloutControlResponse;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.RolloutState;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives rollouts from the global rollup: every tick, each app whose desired docs are ROLLING_OUT
 * gets a {@link RolloutDecision} (advance to the next wave, promote the candidate, pause, roll
 * back), carried out by rewriting its desired docs in every region. Operators pause, resume and
 * roll back through the same docs (on any replica). One thread. When the current wave started is in the doc
 * ({@code wave_started}), so a replica that takes over driving, or a restarted hub, continues a wave's soak.
 *
 * <p>Of several replicas of the hub service only the one holding the {@link Lease} ticks; a step
 * rewrites a doc only while it still shows the wave and candidate the step was decided on, so a step
 * decided by a replica that has just lost the lease can neither repeat nor undo its successor's.
 */
public final class RolloutController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RolloutController.class);
    static final long TICK_MILLIS = 500;
    static final long LEASE_TICK_MILLIS = 250;
    /** Relays recount within ~1 s of a doc change and roll up at most every 500 ms. */
    static final java.time.Duration SETTLE = java.time.Duration.ofSeconds(3);

    private final Intents intents;
    private final DesiredDocs docs;
    private final Supplier<GlobalRollup> rollups;
    private final Clock clock;
    private final HubMetrics metrics;
    private final Map<String, Instant> waveStarted = new ConcurrentHashMap<>();
    private final Map<String, String> holds = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("rollout-controller").daemon().factory());
    /** Takes and renews the driver's lease, apart from the ticks: a step waiting on JetStream never delays a renewal. */
    private final ScheduledExecutorService leaseTicks = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("rollout-lease").daemon().factory());

    private final Lease lease;

    public RolloutController(Intents intents, DesiredDocs docs, Supplier<GlobalRollup> rollups, Clock clock, HubMetrics metrics,
                             Lease lease) {
        this.lease = lease;
        this.metrics = metrics;
        this.intents = intents;
        this.docs = docs;
        this.rollups = rollups;
        this.clock = clock;
    }

    public void start() {
        leaseTicks.scheduleWithFixedDelay(this::holdLease, 0, LEASE_TICK_MILLIS, TimeUnit.MILLISECONDS);
        ticks.scheduleWithFixedDelay(this::tick, TICK_MILLIS, TICK_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void holdLease() {
        try {
            lease.hold();
        } catch (RuntimeException e) {
            LOG.warn("rollout driver: lease check failed: {}", e.toString());
        }
    }

    /** One pass over the apps of the current rollup, if this replica holds the driver's lease. */
    synchronized void tick() {
        if (!lease.valid()) {
            return;
        }
        GlobalRollup g = rollups.get();
        for (AppRollup a : g.getAppsList()) {
            if (a.getRolloutState() == RolloutState.ROLLING_OUT) {
                try {
                    step(a);
                } catch (IntentException | RuntimeException e) {
                    LOG.warn("app {}: rollout step failed, retrying on the next tick: {}", a.getCounts().getApp(), e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void step(AppRollup a) throws IntentException, InterruptedException {
        String app = a.getCounts().getApp();
        DesiredDoc doc = current(app);
        if (doc == null || doc.getRolloutState() != RolloutState.ROLLING_OUT) {
            return;
        }
        RolloutPolicy policy = intents.get(app, OptionalLong.empty()).intent().getRollout();
        Instant since = waveSince(doc, clock.instant(), () -> waveStarted.computeIfAbsent(waveKey(doc), k -> clock.instant()));
        RolloutDecision d = RolloutDecision.decide(policy, doc, a.getCounts(), a.getStaleRegionsList(), since, clock.instant(),
                SETTLE);
        long candidate = doc.getCandidate().getIntentRevision();
        logHold(app, candidate, doc.getWavePercent(), d);
        switch (d) {
            case RolloutDecision.Wait w -> { }
            case RolloutDecision.Advance next -> {
                LOG.info("app {} revision {}: wave {}% healthy ({}); advancing to {}%", app, candidate, doc.getWavePercent(),
                        brief(a), next.percent());
                Timestamp started = Timestamps.fromMillis(clock.millis());
                rewrite(app, x -> stillAt(x, doc) ? x.toBuilder().setWavePercent(next.percent()).setWaveStarted(started).build() : x);
                metrics.rolloutStep(Action.ADVANCE, false);
            }
            case RolloutDecision.Promote p -> {
                LOG.info("app {} revision {}: last wave healthy; revision {} is now stable", app, candidate, candidate);
                rewrite(app, x -> stillAt(x, doc) ? promote(x) : x);
                metrics.rolloutStep(Action.PROMOTE, false);
            }
            case RolloutDecision.Pause p -> {
                LOG.warn("app {} revision {}: rollout paused: {}", app, candidate, p.why());
                rewrite(app, x -> stillAt(x, doc) ? x.toBuilder().setRolloutState(RolloutState.PAUSED).build() : x);
                metrics.rolloutStep(Action.PAUSE, false);
            }
            case RolloutDecision.Rollback r -> {
                LOG.warn("app {} revision {}: rolling back to revision {}: {}", app, candidate,
                        doc.getStable().getIntentRevision(), r.why());
                rewrite(app, x -> stillAt(x, doc) ? rollback(x) : x);
                metrics.rolloutStep(Action.ROLLBACK, false);
            }
        }
    }

    /**
     * When the doc's current wave began: the start written into the doc (so a replica taking over driving continues
     * the soak), never later than {@code now} (another replica's clock may run ahead); {@code firstSeen} for a doc
     * without one (written by an older hub), asked only then.
     */
    static Instant waveSince(DesiredDoc doc, Instant now, Supplier<Instant> firstSeen) {
        if (!doc.hasWaveStarted()) {
            return firstSeen.get();
        }
        Instant written = Instant.ofEpochMilli(Timestamps.toMillis(doc.getWaveStarted()));
        return written.isAfter(now) ? now : written;
    }

    /** Whether {@code now} still rolls out the candidate at the wave {@code decidedOn} showed. */
    static boolean stillAt(DesiredDoc now, DesiredDoc decidedOn) {
        return now.getRolloutState() == RolloutState.ROLLING_OUT && now.hasCandidate()
                && now.getCandidate().getIntentRevision() == decidedOn.getCandidate().getIntentRevision()
                && now.getWavePercent() == decidedOn.getWavePercent();
    }

    /** Whether this replica drives rollouts (holds the driver's lease) as of its last tick. */
    public boolean drives() {
        return lease.valid();
    }

    /** One line when an app's rollout starts waiting on silent regions, one when it no longer does. */
    private void logHold(String app, long candidate, int wave, RolloutDecision d) {
        boolean holding = d instanceof RolloutDecision.Wait w && w.why().startsWith(RolloutDecision.STALE_PREFIX);
        String was = holds.get(app);
        if (holding && was == null) {
            String why = ((RolloutDecision.Wait) d).why();
            holds.put(app, why);
            LOG.warn("app {} revision {}: the {}% wave holds: {}", app, candidate, wave, why);
        } else if (!holding && was != null) {
            holds.remove(app);
            LOG.info("app {} revision {}: every region it targets is heard again; the {}% wave goes on", app, candidate, wave);
        }
    }

    private static String brief(AppRollup a) {
        var c = a.getCounts();
        StringBuilder b = new StringBuilder("targeted " + c.getTargeted() + ", in wave " + c.getInWave() + ", offline "
                + c.getOffline() + ", not reported " + c.getNotReported());
        if (c.getUnknown() > 0) {
            b.append(", unknown ").append(c.getUnknown());
        }
        c.getRevisionsList().forEach(r -> b.append("; revision ").append(r.getIntentRevision()).append(": ")
                .append(r.getReady()).append(" ready, ").append(r.getFailed()).append(" failed"));
        return b.toString();
    }

    /** Operator: stop advancing the app's rollout where it is. */
    public synchronized RolloutControlResponse pause(String app) throws IntentException, InterruptedException {
        DesiredDoc doc = require(app);
        if (doc.getRolloutState() != RolloutState.ROLLING_OUT) {
            throw new IntentException(IntentException.Reason.PRECONDITION, "app " + app + " has no rollout running (it is "
                    + doc.getRolloutState() + ")");
        }
        rewrite(app, x -> x.toBuilder().setRolloutState(RolloutState.PAUSED).build());
        metrics.rolloutStep(Action.PAUSE, true);
        LOG.info("app {}: rollout paused by an operator at wave {}%", app, doc.getWavePercent());
        return response(RolloutState.PAUSED, doc.getWavePercent());
    }

    /** Operator: continue a paused rollout from its current wave. */
    public synchronized RolloutControlResponse resume(String app) throws IntentException, InterruptedException {
        DesiredDoc doc = require(app);
        if (doc.getRolloutState() != RolloutState.PAUSED) {
            throw new IntentException(IntentException.Reason.PRECONDITION, "app " + app + " is not paused (it is "
                    + doc.getRolloutState() + ")");
        }
        rewrite(app, x -> x.toBuilder().setRolloutState(RolloutState.ROLLING_OUT).build());
        metrics.rolloutStep(Action.RESUME, true);
        LOG.info("app {}: rollout resumed by an operator at wave {}%", app, doc.getWavePercent());
        return response(RolloutState.ROLLING_OUT, doc.getWavePercent());
    }

    /** Operator: drop the candidate; every site returns to the stable release. */
    public synchronized RolloutControlResponse rollback(String app) throws IntentException, InterruptedException {
        DesiredDoc doc = require(app);
        if (!doc.hasCandidate() || !doc.hasStable()) {
            throw new IntentException(IntentException.Reason.PRECONDITION, "app " + app + " has no candidate to roll back from");
        }
        rewrite(app, RolloutController::rollback);
        metrics.rolloutStep(Action.ROLLBACK, true);
        LOG.info("app {}: rolled back by an operator to revision {}", app, doc.getStable().getIntentRevision());
        return response(RolloutState.STABLE, 100);
    }

    static DesiredDoc promote(DesiredDoc d) {
        if (!d.hasCandidate()) {
            return d;
        }
        return d.toBuilder().setStable(d.getCandidate()).clearCandidate().setWavePercent(100).clearWaveStarted()
                .setRolloutState(RolloutState.STABLE).build();
    }

    static DesiredDoc rollback(DesiredDoc d) {
        if (!d.hasCandidate() || !d.hasStable()) {
            return d;
        }
        return d.toBuilder().clearCandidate().setWavePercent(100).clearWaveStarted().setRolloutState(RolloutState.STABLE)
                .setIntentRevision(d.getStable().getIntentRevision()).build();
    }

    private void rewrite(String app, UnaryOperator<DesiredDoc> change) throws IntentException, InterruptedException {
        try {
            docs.transform(app, change);
        } catch (java.io.IOException | io.nats.client.JetStreamApiException e) {
            throw new IntentException(IntentException.Reason.UNAVAILABLE, "app " + app + ": cannot rewrite its desired docs: "
                    + e.getMessage(), e);
        }
    }

    private DesiredDoc current(String app) throws IntentException, InterruptedException {
        try {
            return docs.appDocs(app).values().stream().findFirst().orElse(null);
        } catch (java.io.IOException | io.nats.client.JetStreamApiException e) {
            throw new IntentException(IntentException.Reason.UNAVAILABLE, "app " + app + ": cannot read its desired docs: "
                    + e.getMessage(), e);
        }
    }

    private DesiredDoc require(String app) throws IntentException, InterruptedException {
        DesiredDoc doc = current(app);
        if (doc == null) {
            throw new IntentException(IntentException.Reason.NOT_FOUND, "app " + app + " has no desired docs");
        }
        return doc;
    }

    private static String waveKey(DesiredDoc d) {
        return d.getApp() + "@" + d.getCandidate().getIntentRevision() + "/" + d.getWavePercent();
    }

    private static RolloutControlResponse response(RolloutState state, int wave) {
        return RolloutControlResponse.newBuilder().setRolloutState(state).setWavePercent(wave).build();
    }

    /** Stops ticking and gives the driver's lease up, so another replica takes over at once. */
    @Override
    public void close() {
        leaseTicks.shutdownNow();
        ticks.shutdownNow();
        try {
            leaseTicks.awaitTermination(5, TimeUnit.SECONDS);
            ticks.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            lease.release();
        }
    }
}
