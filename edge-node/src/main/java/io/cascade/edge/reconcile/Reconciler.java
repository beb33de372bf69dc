package io.cascade.edge.reconcile;

import com.google.protobuf.Timestamp;
import io.cascade.edge.desired.DesiredSet;
import io.cascade.edge.journal.AppliedRecord;
import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.PendingApply;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.AppHealth;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;
import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.SiteStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes one site's provider hold what its journal says is desired: applies each app whose applied
 * content differs from the desired content, removes each applied app that is no longer desired.
 * Every apply is bracketed in the journal (an apply marker before the provider call; the applied
 * record, the marker's removal and an outbox status report in one batch after it), so a crash
 * mid-apply neither loses nor repeats an apply: {@link #recover()} asks the provider whether the
 * interrupted apply landed. Not thread-safe: one site's reconciler runs on that site's thread.
 */
public final class Reconciler {

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(2);

    /** What one pass did, by app. */
    public record Outcome(List<String> applied, List<String> removed, List<String> failed, List<String> recovered) {
        public boolean changedAnything() {
            return !applied.isEmpty() || !removed.isEmpty() || !failed.isEmpty() || !recovered.isEmpty();
        }
    }

    private record Failure(String contentHash, long intentRevision, String message, int attempts, Instant retryAt) {}

    private final String site;
    private final String region;
    private final Map<String, String> labels;
    private final Journal journal;
    private final Provider provider;
    private final Clock clock;
    private final EdgeMetrics metrics;
    private final Map<String, Failure> failures = new HashMap<>();
    private final Optional<MaintenanceWindow> maintenance;
    private boolean deferring;

    /** @param metrics the process's edge meters (applies, removes, drift repairs, apply duration) */
    public Reconciler(String site, String region, Map<String, String> labels, Journal journal, Provider provider, Clock clock,
                      EdgeMetrics metrics) {
        this(site, region, labels, journal, provider, clock, metrics, Optional.empty());
    }

    /** @param maintenance while this window is open, new revisions wait (see {@link MaintenanceWindow}) */
    public Reconciler(String site, String region, Map<String, String> labels, Journal journal, Provider provider, Clock clock,
                      EdgeMetrics metrics, Optional<MaintenanceWindow> maintenance) {
        this.maintenance = maintenance;
        this.site = site;
        this.region = region;
        this.labels = Map.copyOf(labels);
        this.journal = journal;
        this.provider = provider;
        this.clock = clock;
        this.metrics = metrics;
    }

    /**
     * After a restart: for each apply that was under way when the process stopped, asks the
     * provider whether it landed; if so it is recorded as applied without applying it again.
     * Those that did not land are left to the next {@link #reconcile()}.
     */
    public void recover() {
        for (PendingApply p : journal.pendingApplies()) {
            Optional<String> live;
            try {
                live = provider.appliedHash(p.app());
            } catch (ProviderException e) {
                LOG.warn("site {} app {}: cannot tell whether the apply of revision {} landed before the restart: {}",
                        site, p.app(), p.intentRevision(), e.getMessage());
                continue;
            }
            if (live.isPresent() && live.get().equals(p.contentHash())) {
                Instant now = clock.instant();
                journal.recordApplied(p.app(), new AppliedRecord(p.intentRevision(), p.contentHash(), now),
                        report(Map.of(p.app(), status(p.app(), p.intentRevision(), AppState.READY, "", now))));
                LOG.info("site {} app {}: the apply of revision {} had landed before the restart; recorded, not repeated",
                        site, p.app(), p.intentRevision());
            } else {
                LOG.info("site {} app {}: the apply of revision {} had not landed before the restart; it will be applied",
                        site, p.app(), p.intentRevision());
            }
        }
    }

    /** One pass over the desired set; failed applies are retried with backoff on later passes. */
    public Outcome reconcile() {
        return reconcile(false);
    }

    /**
     * One pass over the desired set. With {@code checkDrift}, an app whose applied content is the
     * desired content is also asked for its live health, and applied again when the provider finds
     * it DRIFTED (someone changed or deleted what was applied): the edge keeps enforcing its desired
     * state, relay reachable or not.
     */
    public Outcome reconcile(boolean checkDrift) {
        Map<String, AppDesired> desired = new TreeMap<>(DesiredSet.evaluate(site, region, labels, journal.desired()));
        Map<String, AppliedRecord> applied = journal.applied();
        List<String> done = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        List<String> recovered = new ArrayList<>();
        boolean inWindow = maintenance.map(w -> w.contains(clock.instant())).orElse(false);
        List<String> deferred = new ArrayList<>();
        for (AppDesired d : desired.values()) {
            AppliedRecord rec = applied.get(d.app());
            boolean current = rec != null && rec.contentHash().equals(d.contentHash());
            if (!current && inWindow) {
                deferred.add(d.app());
                continue;
            }
            if (current) {
                if (failures.remove(d.app()) != null) {
                    // the desired content is what runs again (e.g. a rollback): the failure is over
                    journal.appendOutbox(report(Map.of()));
                    recovered.add(d.app());
                }
                if (!checkDrift || !drifted(d.app())) {
                    continue;
                }
            }
            Failure f = failures.get(d.app());
            if (f != null && f.contentHash().equals(d.contentHash()) && clock.instant().isBefore(f.retryAt())) {
                continue;
            }
            if (apply(d, f)) {
                done.add(d.app());
            } else {
                failed.add(d.app());
            }
        }
        for (String app : applied.keySet()) {
            if (!desired.containsKey(app) && inWindow) {
                deferred.add(app);
            } else if (!desired.containsKey(app)) {
                if (remove(app)) {
                    removed.add(app);
                } else {
                    failed.add(app);
                }
            }
        }
        if (!deferred.isEmpty() && !deferring) {
            LOG.info("site {}: maintenance window {} open; deferring {} until it closes", site, maintenance.get(), deferred);
        }
        deferring = !deferred.isEmpty();
        return new Outcome(done, removed, failed, recovered);
    }

    private boolean drifted(String app) {
        try {
            AppHealth health = provider.status(app);
            if (health.state() == AppState.DRIFTED) {
                metrics.driftRepair();
                LOG.warn("site {} app {}: drifted ({}); applying the desired state again", site, app, health.message());
                return true;
            }
            return false;
        } catch (ProviderException e) {
            LOG.info("site {} app {}: cannot check for drift: {}", site, app, e.getMessage());
            return false;
        }
    }

    /** The earliest time a failed apply is due again, if any. */
    public Optional<Instant> nextRetry() {
        return failures.values().stream().map(Failure::retryAt).min(Instant::compareTo);
    }

    private boolean apply(AppDesired d, Failure previous) {
        journal.beginApply(d.app(), d.intentRevision(), d.contentHash());
        long started = System.nanoTime();
        try {
            provider.apply(d);
            metrics.applied(System.nanoTime() - started, true);
        } catch (ProviderException e) {
            metrics.applied(System.nanoTime() - started, false);
            int attempts = previous != null && previous.contentHash().equals(d.contentHash()) ? previous.attempts() + 1 : 1;
            Duration backoff = FIRST_RETRY.multipliedBy(1L << Math.min(attempts - 1, 10));
            if (backoff.compareTo(MAX_RETRY) > 0) {
                backoff = MAX_RETRY;
            }
            Instant now = clock.instant();
            failures.put(d.app(), new Failure(d.contentHash(), d.intentRevision(), e.getMessage(), attempts, now.plus(backoff)));
            journal.recordFailed(d.app(), report(Map.of(d.app(), status(d.app(), d.intentRevision(), AppState.FAILED, e.getMessage(), now))));
            LOG.warn("site {} app {} revision {}: apply failed (attempt {}, next in {}): {}", site, d.app(),
                    d.intentRevision(), attempts, backoff, e.getMessage());
            return false;
        }
        Instant now = clock.instant();
        failures.remove(d.app());
        journal.recordApplied(d.app(), new AppliedRecord(d.intentRevision(), d.contentHash(), now),
                report(Map.of(d.app(), status(d.app(), d.intentRevision(), AppState.READY, "", now))));
        LOG.info("site {} app {}: applied revision {} ({})", site, d.app(), d.intentRevision(), d.version());
        return true;
    }

    private boolean remove(String app) {
        try {
            provider.remove(app);
            metrics.removed(true);
        } catch (ProviderException e) {
            metrics.removed(false);
            LOG.warn("site {} app {}: remove failed: {}", site, app, e.getMessage());
            return false;
        }
        Map<String, AppStatus> gone = new HashMap<>();
        gone.put(app, null);
        journal.recordRemoved(app, report(gone));
        failures.remove(app);
        LOG.info("site {} app {}: removed", site, app);
        return true;
    }

    private static AppStatus status(String app, long revision, AppState state, String message, Instant at) {
        return AppStatus.newBuilder().setApp(app).setIntentRevision(revision).setState(state).setMessage(message)
                .setUpdatedAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())).build();
    }

    /**
     * The site's full status after a change: every applied app as READY, failed ones as FAILED,
     * with {@code changes} laid over it (a null value: the app is gone).
     */
    private byte[] report(Map<String, AppStatus> changes) {
        Map<String, AppStatus> apps = new TreeMap<>();
        journal.applied().forEach((app, rec) -> apps.put(app, status(app, rec.intentRevision(), AppState.READY, "", rec.at())));
        failures.forEach((app, f) -> apps.put(app, status(app, f.intentRevision(), AppState.FAILED, f.message(), clock.instant())));
        changes.forEach((app, s) -> {
            if (s == null) {
                apps.remove(app);
            } else {
                apps.put(app, s);
            }
        });
        Instant now = clock.instant();
        return SiteStatus.newBuilder().setSite(site).setRegion(region).putAllLabels(labels).addAllApps(apps.values())
                .setReportedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build().toByteArray();
    }
}
