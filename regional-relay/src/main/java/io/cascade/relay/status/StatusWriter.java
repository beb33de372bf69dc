package io.cascade.relay.status;

import io.cascade.proto.SiteStatus;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch of checked status reports to the region's status bucket and applies them to the {@link SiteRegistry}
 * ({@link StatusIntake} takes them in and acknowledges them). One write per site and batch (its last record), a
 * compare-and-set on the revision of the record it builds on; the batch's writes go out together and are awaited once.
 * A write refused because another relay service of the region wrote the site in between is admitted again against the
 * record stored now and written again. In a shared region it also takes the other services' writes into the registry.
 */
final class StatusWriter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusWriter.class);
    static final Duration PERSIST_TIMEOUT = Duration.ofSeconds(5);
    static final int CONFLICT_ATTEMPTS = 3;

    /** What became of one report of a batch. */
    enum Outcome {
        /** Stored (where it changed the record) and applied: acknowledge it. */
        APPLIED,
        /** Older than the record: acknowledge it, it changes nothing. */
        STALE,
        /** Its site's write failed: no acknowledgement, the edge resends it. */
        NOT_STORED
    }

    private final SiteRegistry sites;
    private final String region;
    private final boolean shared;
    private final AtomicLong conflicts = new AtomicLong();
    private final AtomicLong fromPeers = new AtomicLong();
    private final AtomicLong persisted = new AtomicLong();
    private final AtomicLong persistFailures = new AtomicLong();

    /** @param shared whether other relay services of the region write too: heartbeats are then written as well */
    StatusWriter(SiteRegistry sites, boolean shared) {
        this.sites = sites;
        this.region = sites.region();
        this.shared = shared;
    }

    /**
     * One site's reports of a batch, in arrival order, admitted against the record they build on; at most one
     * write per site and batch (the last record), a compare-and-set on the revision of that base.
     */
    private static final class SiteWork {
        final List<SiteStatus> reports = new ArrayList<>();
        List<Admission> admissions;
        SiteStatus record;
        long baseRevision;
        boolean write;
        boolean applies;
        CompletableFuture<PublishAck> pending;
        long revision;
        boolean stored = true;

        void admit(SiteStatus base, long baseRevision, boolean persistHeartbeats) {
            this.baseRevision = baseRevision;
            admissions = new ArrayList<>(reports.size());
            SiteStatus previous = base;
            write = false;
            applies = false;
            for (SiteStatus r : reports) {
                Admission a = Admission.of(previous, r);
                admissions.add(a);
                previous = a.record();
                applies |= a.kind() != Admission.Kind.STALE;
                write |= a.kind() == Admission.Kind.RECORD || (persistHeartbeats && a.kind() == Admission.Kind.REFRESH);
            }
            record = previous;
        }
    }

    /** A report's site work and its place among the site's reports. */
    private record Place(SiteWork work, int index) {}

    /** Writes and applies {@code reports} (checked, in arrival order); the outcome of each, in the same order. */
    List<Outcome> write(StatusStore store, List<SiteStatus> reports) throws InterruptedException {
        Map<String, SiteWork> bySite = new LinkedHashMap<>();
        List<Place> places = new ArrayList<>(reports.size());
        for (SiteStatus report : reports) {
            SiteWork w = bySite.computeIfAbsent(report.getSite(), site -> new SiteWork());
            places.add(new Place(w, w.reports.size()));
            w.reports.add(report);
        }
        bySite.forEach((site, w) -> {
            w.admit(sites.latest(site).orElse(null), sites.revision(site), shared);
            if (w.write) {
                w.pending = store.put(site, w.record, w.baseRevision);
            }
        });
        long deadline = System.nanoTime() + PERSIST_TIMEOUT.toNanos();
        for (Map.Entry<String, SiteWork> e : bySite.entrySet()) {
            SiteWork w = e.getValue();
            if (w.write) {
                w.stored = written(store, e.getKey(), w, deadline);
            }
            if (!w.stored || !w.applies) {
                continue;
            }
            if (w.write) {
                sites.applyStored(w.record, w.revision);
            } else {
                sites.apply(w.record);
            }
        }
        List<Outcome> outcomes = new ArrayList<>(places.size());
        for (Place p : places) {
            outcomes.add(!p.work().stored ? Outcome.NOT_STORED
                    : p.work().admissions.get(p.index()).kind() == Admission.Kind.STALE ? Outcome.STALE : Outcome.APPLIED);
        }
        return outcomes;
    }

    /**
     * Whether the site's write of this batch was stored (its revision then set). A write refused because another
     * relay service wrote the site in between is done again on the record as stored now, up to
     * {@link #CONFLICT_ATTEMPTS} times.
     */
    private boolean written(StatusStore store, String site, SiteWork w, long deadline) throws InterruptedException {
        CompletableFuture<PublishAck> write = w.pending;
        for (int attempt = 1; ; attempt++) {
            try {
                w.revision = write.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS).getSeqno();
                persisted.incrementAndGet();
                return true;
            } catch (ExecutionException e) {
                if (!StatusStore.conflict(e.getCause()) || attempt >= CONFLICT_ATTEMPTS) {
                    return notPersisted(site, String.valueOf(e.getCause()));
                }
            } catch (TimeoutException e) {
                return notPersisted(site, "timed out after " + PERSIST_TIMEOUT);
            }
            conflicts.incrementAndGet();
            StatusStore.Stored now;
            try {
                now = store.last(site);
            } catch (IOException | JetStreamApiException e) {
                return notPersisted(site, "its record changed and could not be read again: " + e);
            }
            SiteStatus base = admissible(site, now.record());
            if (base != null) {
                sites.applyStored(base, now.revision());
            }
            w.admit(base, now.revision(), shared);
            if (!w.write) {
                return true;
            }
            write = store.put(site, w.record, now.revision());
            deadline = Math.max(deadline, System.nanoTime() + PERSIST_TIMEOUT.toNanos());
        }
    }

    private boolean notPersisted(String site, String why) {
        persistFailures.incrementAndGet();
        LOG.warn("region {} site {}: status not persisted ({}); not acknowledged, the edge will resend", region, site, why);
        return false;
    }

    /**
     * Takes in what the other relay services of the region wrote to the status bucket (and, harmlessly, the echo
     * of this one's own writes, which the registry already holds at that revision).
     */
    void absorbPeers(StatusStore store, List<KeyValueEntry> entries) {
        for (KeyValueEntry e : entries) {
            if (e.getOperation() != KeyValueOperation.PUT) {
                if (sites.forgetStored(e.getKey(), e.getRevision())) {
                    fromPeers.incrementAndGet();
                }
                continue;
            }
            SiteStatus r = admissible(e.getKey(), store.parse(e));
            if (r != null && sites.applyStored(r, e.getRevision())) {
                fromPeers.incrementAndGet();
            }
        }
    }

    /** A record read from the status bucket, or null when there is none or it fails the report checks (logged). */
    SiteStatus admissible(String site, SiteStatus stored) {
        if (stored == null) {
            return null;
        }
        Optional<String> problem = Admission.problem(region, site, stored);
        if (problem.isPresent()) {
            LOG.warn("region {}: persisted status skipped: {}", region, problem.get());
            return null;
        }
        return stored;
    }

    long conflicts() {
        return conflicts.get();
    }

    long fromPeers() {
        return fromPeers.get();
    }

    long persisted() {
        return persisted.get();
    }

    long persistFailures() {
        return persistFailures.get();
    }
}
