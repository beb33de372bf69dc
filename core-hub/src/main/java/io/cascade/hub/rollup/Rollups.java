package io.cascade.hub.rollup;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.hub.rollup.AppRollouts.Rollout;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.topology.client.KvWatch;
import io.cascade.proto.AppRollup;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RegionRollup;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's global rollup: one watch on KV {@code rollup} (key {@code <region>}, written by each region's
 * relay) and one on the app docs of KV {@code desired} ({@code <region>.app.<app>}, for the rollout
 * fields), merged into a {@link GlobalRollup} by {@link RollupMerge} each time either changes.
 *
 * <p>The watch callbacks only record the entry (coalesced per key) and ring a doorbell; one named thread
 * applies what arrived, merges once per batch and publishes the result as an immutable snapshot, which
 * readers take without locking. Subscribers are told after each merge and must only signal.
 *
 * <p>Liveness: the same thread also wakes every {@link #LIVENESS_TICK} to see whether a region went
 * silent past its bound ({@link RollupMerge#stale}), and merges again when one did, when one was heard
 * again, and while one stays silent (so its "silent for" stays current). Each change is one log line and
 * the gauges {@code cascade.hub.region.silent.seconds} and {@code cascade.hub.region.stale} per region.
 */
public final class Rollups implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Rollups.class);
    private static final String APP_DOCS = Subjects.desiredAppKey("*", "*");
    static final Duration LIVENESS_TICK = Duration.ofSeconds(1);

    private final KeyValue desired;
    private final HubMetrics metrics;
    private final Clock clock;
    private final KvWatch rollupWatch;
    private final KvWatch docWatch;
    private final RegionRollups regions = new RegionRollups();
    private final AppRollouts rollouts = new AppRollouts();
    private final BlockingQueue<Boolean> doorbell = new ArrayBlockingQueue<>(1);
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final List<Runnable> subscribers = new CopyOnWriteArrayList<>();
    private final Thread intake;
    // owned by the intake thread: the regions stale at the last merge, and those with liveness gauges
    private Set<String> stale = Set.of();
    private final Set<String> livenessGauges = new java.util.HashSet<>();
    private volatile Snapshot snapshot;
    private volatile boolean closed;

    /** A merge, with its apps indexed for the per-app views. */
    private record Snapshot(GlobalRollup all, Map<String, AppRollup> apps) {

        static Snapshot of(GlobalRollup all) {
            return new Snapshot(all, all.getAppsList().stream()
                    .collect(Collectors.toUnmodifiableMap(a -> a.getCounts().getApp(), a -> a)));
        }
    }

    private Rollups(Connection nats, KeyValue rollup, KeyValue desired, Clock clock, HubMetrics metrics) {
        this.desired = desired;
        this.metrics = metrics;
        this.clock = clock;
        this.rollupWatch = new KvWatch(nats, rollup, null, this::ring);
        this.docWatch = new KvWatch(nats, desired, APP_DOCS, this::ring);
        this.snapshot = Snapshot.of(RollupMerge.merge(regions, rollouts, clock.instant()));
        this.intake = Thread.ofPlatform().name("rollup-intake").daemon().unstarted(this::intakeLoop);
    }

    /**
     * Starts watching both buckets. Use {@link #awaitLoaded} to wait until what they held is merged.
     *
     * @param rollup  KV {@code rollup} of the hub's JetStream
     * @param desired KV {@code desired} of the hub's JetStream
     * @param metrics counts the region rollups received and the merges
     */
    public static Rollups start(Connection nats, KeyValue rollup, KeyValue desired, Clock clock, HubMetrics metrics)
            throws IOException, JetStreamApiException, InterruptedException {
        Rollups rollups = new Rollups(nats, rollup, desired, clock, metrics);
        try {
            rollups.intake.start();
            rollups.rollupWatch.start();
            rollups.docWatch.start();
            return rollups;
        } catch (IOException | JetStreamApiException | InterruptedException | RuntimeException e) {
            rollups.close();
            throw e;
        }
    }

    /** Waits until everything both buckets held at start is merged; false on timeout. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * The global rollup, or only {@code app}'s part of it (regions are always all).
     *
     * @throws RollupException {@code INVALID} for a name that is not a DNS label; {@code NOT_FOUND} when
     *     the app has no live intent (what a region last reported of a withdrawn app does not count)
     */
    public GlobalRollup rollup(Optional<String> app) throws RollupException {
        if (app.isEmpty()) {
            return snapshot.all();
        }
        String name = DnsLabel.require("app", app.get());
        Snapshot current = snapshot;
        AppRollup found = current.apps().get(name);
        if (found == null) {
            // published a moment ago and not yet through the watch? Ask KV desired itself.
            found = freshlyPublished(name).orElseThrow(() -> new RollupException(RollupException.Reason.NOT_FOUND,
                    "app " + DnsLabel.quote(name) + " has no live intent: never published, or withdrawn"));
        }
        return current.all().toBuilder().clearApps().addApps(found).build();
    }

    /**
     * The global rollup restricted like {@link #rollup}, without its checks: an app that is not (or no
     * longer) known gives no app entry. For streams, which checked the app when they opened.
     */
    public GlobalRollup view(Optional<String> app) {
        Snapshot current = snapshot;
        if (app.isEmpty()) {
            return current.all();
        }
        GlobalRollup.Builder view = current.all().toBuilder().clearApps();
        Optional.ofNullable(current.apps().get(app.get())).ifPresent(view::addApps);
        return view.build();
    }

    /**
     * Calls {@code onChange} after each merge, on the intake thread: it must only signal (set a flag,
     * schedule work), never block. Closing the returned handle stops it.
     */
    public AutoCloseable subscribe(Runnable onChange) {
        subscribers.add(onChange);
        return () -> subscribers.remove(onChange);
    }

    /** Open subscriptions (e.g. WatchRollup streams); a gauge. */
    public int subscribers() {
        return subscribers.size();
    }

    private void ring() {
        doorbell.offer(Boolean.TRUE);
    }

    private void intakeLoop() {
        while (!closed) {
            try {
                doorbell.poll(LIVENESS_TICK.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            // read before draining: entries delivered before the end of the initial load are then drained too
            boolean initialLoadSeen = rollupWatch.initialLoadSeen() && docWatch.initialLoadSeen();
            boolean changed = false;
            for (KeyValueEntry entry : rollupWatch.drain()) {
                changed |= applyRollup(entry);
            }
            for (KeyValueEntry entry : docWatch.drain()) {
                changed |= applyDoc(entry);
            }
            Instant now = clock.instant();
            Set<String> staleNow = staleRegions(now);
            if (changed || !staleNow.equals(stale) || !staleNow.isEmpty()) {
                logLiveness(staleNow, now);
                stale = staleNow;
                snapshot = Snapshot.of(RollupMerge.merge(regions, rollouts, now));
                metrics.merged();
                for (Runnable subscriber : subscribers) {
                    try {
                        subscriber.run();
                    } catch (RuntimeException e) {
                        LOG.warn("rollup subscriber failed on a change: {}", e.toString(), e);
                    }
                }
            }
            if (initialLoadSeen && loaded.getCount() > 0) {
                loaded.countDown();
                LOG.info("global rollup loaded: {} regions, {} apps", snapshot.all().getRegionsCount(),
                        snapshot.all().getAppsCount());
            }
        }
    }

    private Set<String> staleRegions(Instant now) {
        Set<String> out = new TreeSet<>();
        for (RegionRollups.Held held : regions.all()) {
            if (RollupMerge.stale(held, now)) {
                out.add(held.rollup().getRegion());
            }
        }
        return out;
    }

    private void logLiveness(Set<String> staleNow, Instant now) {
        for (RegionRollups.Held held : regions.all()) {
            String region = held.rollup().getRegion();
            long silent = Duration.between(held.receivedAt(), now).toSeconds();
            if (staleNow.contains(region) && !stale.contains(region)) {
                LOG.warn("region {}: no rollup for {} s (bound {} s): stale; its sites count as unknown and rollouts that "
                        + "target it wait", region, silent, RollupMerge.staleAfter(held.rollup()).toSeconds());
            } else if (!staleNow.contains(region) && stale.contains(region)) {
                LOG.info("region {}: heard again (rollup sequence {}); fresh", region,
                        Long.toUnsignedString(held.rollup().getSequence()));
            }
        }
    }

    /** Seconds since the region's last rollup arrived, now; NaN for a region never heard. */
    private double silentSeconds(String region) {
        return regionHealth(region).map(h -> Math.max(0, clock.millis()
                - com.google.protobuf.util.Timestamps.toMillis(h.getReceivedAt())) / 1000.0).orElse(Double.NaN);
    }

    private boolean isStale(String region) {
        return regionHealth(region).map(RegionHealth::getStale).orElse(false);
    }

    private Optional<RegionHealth> regionHealth(String region) {
        return snapshot.all().getRegionsList().stream().filter(h -> h.getRegion().equals(region)).findFirst();
    }

    /** Applies one entry of KV {@code rollup}; true if the held rollups changed. */
    private boolean applyRollup(KeyValueEntry entry) {
        String region = entry.getKey();
        if (entry.getOperation() != KeyValueOperation.PUT) {
            boolean removed = regions.remove(region);
            if (removed) {
                LOG.info("region {}: its rollup was deleted from KV rollup (revision {}); the region leaves the global "
                        + "rollup", region, entry.getRevision());
            }
            return removed;
        }
        RegionRollup rollup;
        try {
            rollup = RegionRollup.parseFrom(entry.getValue());
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("region {}: KV rollup revision {} does not hold a RegionRollup ({}); ignored", region,
                    entry.getRevision(), e.getMessage());
            return false;
        }
        if (!rollup.getRegion().equals(region)) {
            LOG.warn("region {}: KV rollup revision {} holds the rollup of region \"{}\"; ignored", region,
                    entry.getRevision(), rollup.getRegion());
            return false;
        }
        metrics.rollupReceived(region);
        if (livenessGauges.add(region)) {
            metrics.regionLiveness(region, () -> silentSeconds(region), () -> isStale(region));
        }
        RegionRollups.Held held = regions.get(region);
        RegionRollups.Verdict verdict = regions.offer(rollup, entry.getCreated().toInstant());
        switch (verdict) {
            case NEWER -> LOG.debug("region {}: rollup sequence {} taken", region, Long.toUnsignedString(rollup.getSequence()));
            case RESTARTED -> LOG.info("region {}: rollup sequence {} is not above the held {} but was built later "
                            + "(relay time {}s after the held one's): the relay restarted without its sequence; taken", region,
                    Long.toUnsignedString(rollup.getSequence()), Long.toUnsignedString(held.rollup().getSequence()),
                    rollup.getRelayTime().getSeconds() - held.rollup().getRelayTime().getSeconds());
            case STALE -> LOG.info("region {}: rollup sequence {} (KV revision {}) is not newer than the held {}; ignored",
                    region, Long.toUnsignedString(rollup.getSequence()), entry.getRevision(),
                    Long.toUnsignedString(held.rollup().getSequence()));
        }
        return verdict != RegionRollups.Verdict.STALE;
    }

    /** Applies one app doc of KV {@code desired}; true if an app's rollout fields changed. */
    private boolean applyDoc(KeyValueEntry entry) {
        String[] key = entry.getKey().split("\\.");
        if (key.length != 3) {
            return false;
        }
        String region = key[0];
        String app = key[2];
        if (entry.getOperation() != KeyValueOperation.PUT) {
            return rollouts.remove(region, app);
        }
        try {
            return rollouts.put(region, app, Rollout.of(DesiredDoc.parseFrom(entry.getValue())));
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("app {}: KV desired key {} revision {} does not hold a DesiredDoc ({}); its rollout fields are left "
                    + "out", app, entry.getKey(), entry.getRevision(), e.getMessage());
            return rollouts.remove(region, app);
        }
    }

    /** The app's rollout from its docs in KV {@code desired} read now, with zero counts; empty if it has none. */
    private Optional<AppRollup> freshlyPublished(String app) throws RollupException {
        List<Rollout> found = new ArrayList<>();
        try {
            for (String key : desired.keys(Subjects.desiredAppKey("*", app))) {
                KeyValueEntry entry = desired.get(key);
                if (entry != null && entry.getValue() != null) {
                    found.add(Rollout.of(DesiredDoc.parseFrom(entry.getValue())));
                }
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("app {}: KV desired holds an app doc that is not a DesiredDoc: {}", app, e.getMessage());
        } catch (IOException | JetStreamApiException e) {
            throw new RollupException(RollupException.Reason.UNAVAILABLE, "app " + DnsLabel.quote(app)
                    + ": the hub's JetStream did not answer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RollupException(RollupException.Reason.UNAVAILABLE, "the hub is shutting down", e);
        }
        if (found.isEmpty()) {
            return Optional.empty();
        }
        AppRollup.Builder rollup = AppRollup.newBuilder().setCounts(IntentRollup.newBuilder().setApp(app));
        AppRollouts.describe(found, rollup);
        return Optional.of(rollup.build());
    }

    /** Stops both watches and the intake thread; idempotent. */
    @Override
    public void close() throws InterruptedException {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        docWatch.close();
        rollupWatch.close();
        subscribers.clear();
        intake.interrupt();
        intake.join(TimeUnit.SECONDS.toMillis(5));
    }
}
