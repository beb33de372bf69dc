package io.cascade.edge.sync;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.edge.journal.DesiredEntry;
import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.Marks;
import io.cascade.edge.metrics.DeltaLatency;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.proto.Beacon;
import io.cascade.proto.Delta;
import io.cascade.proto.SyncEntry;
import io.cascade.proto.SyncReply;
import io.cascade.proto.SyncRequest;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Subscription;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one site's journal in step with its relay. Live deltas apply when their previous revision
 * is the site's mark for their chain (the delta and the new mark land in one journal batch); a
 * delta that does not follow the mark is a gap and triggers a sync; so does a beacon whose app
 * chain head stays ahead of the mark past a grace period. A sync asks the relay for what is newer
 * than the marks and applies the (possibly chunked) reply in one batch.
 *
 * <p>Not thread-safe: the site's own thread calls every method.
 */
public final class DesiredFeed {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredFeed.class);

    /** What a call did to the journal. */
    public enum Result { NOTHING, CHANGED, NEEDS_SYNC }

    /** Why a sync runs: {@link #tag()} is its meter tag, {@link #toString()} its words in the log. */
    public enum SyncReason {
        START("start"), RECONNECT("reconnected"), GAP("gap"), BEACON("beacon ahead"), SAFETY("safety timer"),
        RETRY("retry"), OVERFLOW("inbox overflow"), RELAY_BACK("relay back");

        private final String words;

        SyncReason(String words) {
            this.words = words;
        }

        public String tag() {
            return name().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return words;
        }
    }

    /** Counters, for tests and benchmarks. */
    public static final class Stats {
        final AtomicLong deltasApplied = new AtomicLong();
        final AtomicLong gaps = new AtomicLong();
        final AtomicLong syncs = new AtomicLong();
        final AtomicLong syncEntries = new AtomicLong();
        final AtomicLong lastSyncEntries = new AtomicLong();
        final AtomicLong syncBytes = new AtomicLong();
        final AtomicLong fullSyncs = new AtomicLong();

        public long deltasApplied() { return deltasApplied.get(); }
        public long gaps() { return gaps.get(); }
        public long syncs() { return syncs.get(); }
        public long syncEntries() { return syncEntries.get(); }
        public long lastSyncEntries() { return lastSyncEntries.get(); }
        public long syncBytes() { return syncBytes.get(); }
        public long fullSyncs() { return fullSyncs.get(); }
    }

    private final String site;
    private final String region;
    private final Journal journal;
    private final Connection nats;
    private final Duration beaconGrace;
    private final Duration syncTimeout;
    private final EdgeMetrics metrics;
    private final DeltaLatency latency;
    private final Stats stats = new Stats();
    private Instant behindSince;

    /**
     * @param metrics the process's edge meters
     * @param latency this site's delta-to-applied clock (the site's reconcile passes settle it)
     */
    public DesiredFeed(String site, String region, Journal journal, Connection nats, Duration beaconGrace, Duration syncTimeout,
                       EdgeMetrics metrics, DeltaLatency latency) {
        this.site = site;
        this.region = region;
        this.journal = journal;
        this.nats = nats;
        this.beaconGrace = beaconGrace;
        this.syncTimeout = syncTimeout;
        this.metrics = metrics;
        this.latency = latency;
    }

    public Stats stats() {
        return stats;
    }

    /** A live delta from the relay that arrived at {@code arrivedNanos} ({@link System#nanoTime()}). */
    public Result onDelta(byte[] payload, long arrivedNanos) {
        metrics.deltaReceived();
        Delta d;
        try {
            d = Delta.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("site {}: malformed delta ignored: {}", site, e.getMessage());
            return Result.NOTHING;
        }
        boolean app = d.getChain() == Delta.Chain.APP;
        if (!app && !d.getKey().startsWith(region + ".site." + site + ".")) {
            return Result.NOTHING;
        }
        Marks marks = journal.marks();
        long mark = app ? marks.app() : marks.site();
        if (d.getRevision() <= mark) {
            return Result.NOTHING;
        }
        if (d.getPrevRevision() != mark) {
            stats.gaps.incrementAndGet();
            metrics.gap();
            LOG.info("site {}: gap on the {} chain: delta {} rev {} follows {}, mark is {}; syncing", site,
                    app ? "app" : "site", d.getKey(), d.getRevision(), d.getPrevRevision(), mark);
            return Result.NEEDS_SYNC;
        }
        Marks next = app ? new Marks(d.getRevision(), marks.site()) : new Marks(marks.app(), d.getRevision());
        if (d.getKind() == Delta.Kind.DELETE) {
            journal.applyDelta(null, d.getKey(), next);
        } else {
            byte[] doc = app ? d.getAppDoc().toByteArray() : d.getSiteDoc().toByteArray();
            journal.applyDelta(new DesiredEntry(d.getKey(), d.getRevision(), doc), null, next);
        }
        stats.deltasApplied.incrementAndGet();
        metrics.deltaApplied();
        latency.journaled(d.getKey(), arrivedNanos);
        return Result.CHANGED;
    }

    /** A beacon: the relay's app chain head. A sync is due when it stays ahead past the grace. */
    public Result onBeacon(byte[] payload, Instant now) {
        Beacon b;
        try {
            b = Beacon.parseFrom(payload);
        } catch (InvalidProtocolBufferException e) {
            return Result.NOTHING;
        }
        if (b.getAppChainHead() <= journal.marks().app()) {
            behindSince = null;
            return Result.NOTHING;
        }
        if (behindSince == null) {
            behindSince = now;
            return Result.NOTHING;
        }
        if (Duration.between(behindSince, now).compareTo(beaconGrace) >= 0) {
            LOG.info("site {}: relay's app chain head {} stayed ahead of mark {} for {}; syncing", site,
                    b.getAppChainHead(), journal.marks().app(), Duration.between(behindSince, now));
            behindSince = null;
            return Result.NEEDS_SYNC;
        }
        return Result.NOTHING;
    }

    /**
     * Asks the relay for what is newer than the marks and applies the reply. Returns false when no
     * complete reply came within the timeout (the caller retries with backoff).
     */
    public boolean sync(SyncReason reason) throws InterruptedException {
        boolean ok = false;
        try {
            ok = exchange(reason);
            return ok;
        } finally {
            metrics.sync(reason.tag(), ok);
        }
    }

    private boolean exchange(SyncReason reason) throws InterruptedException {
        Marks marks = journal.marks();
        String inbox = nats.createInbox();
        Subscription sub;
        try {
            sub = nats.subscribe(inbox);
        } catch (IllegalStateException closed) {
            // closed for good (the site was removed and its credentials revoked, or the edge is stopping): no reply
            // can come; the caller's retries find it closed again
            LOG.info("site {}: sync ({}) not sent: the connection is closed", site, reason);
            return false;
        }
        List<SyncReply> chunks = new ArrayList<>();
        long bytes = 0;
        try {
            nats.publish(Subjects.sync(region, site), inbox, SyncRequest.newBuilder().setSite(site).setRegion(region)
                    .setAppMark(marks.app()).setSiteMark(marks.site()).build().toByteArray());
            Instant deadline = Instant.now().plus(syncTimeout);
            while (true) {
                Duration left = Duration.between(Instant.now(), deadline);
                if (left.isNegative() || left.isZero()) {
                    LOG.info("site {}: sync ({}) got no complete reply within {}", site, reason, syncTimeout);
                    return false;
                }
                Message m = sub.nextMessage(left);
                if (m == null) {
                    continue;
                }
                if (m.isStatusMessage()) {
                    LOG.info("site {}: sync ({}): the relay did not answer ({})", site, reason, m.getStatus().getMessage());
                    return false;
                }
                SyncReply chunk = SyncReply.parseFrom(m.getData());
                bytes += m.getData().length;
                chunks.add(chunk);
                if (chunk.getLastChunk()) {
                    break;
                }
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("site {}: malformed sync reply: {}", site, e.getMessage());
            return false;
        } catch (IllegalStateException e) {
            LOG.info("site {}: sync ({}) not sent: {}", site, reason, e.getMessage());
            return false;
        } finally {
            sub.unsubscribe();
        }
        apply(chunks, reason, bytes);
        return true;
    }

    private void apply(List<SyncReply> chunks, SyncReason reason, long bytes) {
        SyncReply last = chunks.get(chunks.size() - 1);
        List<DesiredEntry> puts = new ArrayList<>();
        List<String> deletes = new ArrayList<>();
        int entries = 0;
        for (SyncReply c : chunks) {
            for (SyncEntry e : c.getEntriesList()) {
                entries++;
                if (e.getKind() == Delta.Kind.DELETE) {
                    deletes.add(e.getKey());
                } else {
                    byte[] doc = e.getChain() == Delta.Chain.APP ? e.getAppDoc().toByteArray() : e.getSiteDoc().toByteArray();
                    puts.add(new DesiredEntry(e.getKey(), e.getRevision(), doc));
                }
            }
        }
        journal.applySync(puts, deletes, new Marks(last.getAppChainHead(), last.getSiteChainHead()), last.getFull());
        behindSince = null;
        stats.syncs.incrementAndGet();
        stats.syncEntries.addAndGet(entries);
        stats.lastSyncEntries.set(entries);
        stats.syncBytes.addAndGet(bytes);
        if (last.getFull()) {
            stats.fullSyncs.incrementAndGet();
        }
        metrics.syncReply(entries, bytes);
        LOG.info("site {}: synced ({}): {} entries in {} chunk(s), {} bytes{}; marks app {} site {}", site, reason,
                entries, chunks.size(), bytes, last.getFull() ? ", full" : "", last.getAppChainHead(), last.getSiteChainHead());
    }
}
