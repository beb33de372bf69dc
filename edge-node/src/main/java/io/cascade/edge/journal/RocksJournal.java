package io.cascade.edge.journal;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * A site's {@link Journal} over the shared store: every key carries the site's prefix (see
 * {@link SiteKeys} and {@link Family} for the layout). Methods are synchronized, which serializes one
 * site's writes (the outbox sequence is read, incremented and written under that lock) while other
 * sites proceed.
 */
final class RocksJournal implements Journal {

    private static final String MARKS = "marks";
    private static final String IDENTITY = "identity";
    private static final String OUTBOX_SEQ = "outbox-seq";
    private static final String PENDING = "pending/";

    private final JournalStore store;
    private final SiteKeys keys;
    private final String site;
    /** The last outbox sequence used; -1 until read from meta. */
    private long lastOutboxSeq = -1;
    /** The outbox entries held, by sequence; null until first read ({@link #outbox()}). */
    private NavigableMap<Long, byte[]> outbox;
    /**
     * The marks and applied records as stored, read once and then kept in step with this journal's
     * writes (it is the site's only writer): a beacon every 2 s and a reconcile per change read them at
     * every site, which in a store of 10,000 sites was a RocksDB read each.
     */
    private Marks marks;
    private NavigableMap<String, AppliedRecord> applied;

    RocksJournal(JournalStore store, SiteKeys keys, String site) {
        this.store = store;
        this.keys = keys;
        this.site = site;
    }

    @Override
    public String site() {
        return site;
    }

    @Override
    public synchronized Marks marks() {
        if (marks == null) {
            byte[] value = store.get(op("read marks"), Family.META, keys.key(MARKS));
            marks = value == null ? Marks.NONE : Marks.decode(value);
        }
        return marks;
    }

    @Override
    public synchronized Map<String, DesiredEntry> desired() {
        Map<String, DesiredEntry> desired = new LinkedHashMap<>();
        store.scan(op("read desired"), Family.DESIRED, keys.first(), keys.end(), (key, value) -> {
            String desiredKey = keys.suffix(key);
            desired.put(desiredKey, DesiredEntry.decode(desiredKey, value));
        });
        return Collections.unmodifiableMap(desired);
    }

    @Override
    public synchronized void applyDelta(DesiredEntry putOrNull, String deletedKeyOrNull, Marks newMarks) {
        Objects.requireNonNull(newMarks, "newMarks");
        if (putOrNull != null && deletedKeyOrNull != null) {
            throw new IllegalArgumentException("a delta puts or deletes one key, not both (put "
                    + putOrNull.key() + ", delete " + deletedKeyOrNull + ")");
        }
        store.write(op("store delta"), batch -> {
            if (putOrNull != null) {
                batch.put(Family.DESIRED, keys.key(putOrNull.key()), putOrNull.encodeValue());
            }
            if (deletedKeyOrNull != null) {
                batch.delete(Family.DESIRED, keys.key(deletedKeyOrNull));
            }
            batch.put(Family.META, keys.key(MARKS), newMarks.encode());
        });
        marks = newMarks;
    }

    @Override
    public synchronized void applySync(List<DesiredEntry> puts, List<String> deletes, Marks marks, boolean full) {
        Objects.requireNonNull(marks, "marks");
        List<byte[]> dropped = new ArrayList<>();
        if (full) {
            Set<String> kept = new HashSet<>();
            puts.forEach(entry -> kept.add(entry.key()));
            store.scan(op("read desired keys for a full sync"), Family.DESIRED, keys.first(), keys.end(),
                    (key, value) -> {
                        if (!kept.contains(keys.suffix(key))) {
                            dropped.add(key);
                        }
                    });
        }
        store.write(op(full ? "store full sync" : "store sync"), batch -> {
            for (byte[] key : dropped) {
                batch.delete(Family.DESIRED, key);
            }
            for (String key : deletes) {
                batch.delete(Family.DESIRED, keys.key(key));
            }
            for (DesiredEntry entry : puts) {
                batch.put(Family.DESIRED, keys.key(entry.key()), entry.encodeValue());
            }
            batch.put(Family.META, keys.key(MARKS), marks.encode());
        });
        this.marks = marks;
    }

    @Override
    public synchronized Map<String, AppliedRecord> applied() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(appliedHeld()));
    }

    private NavigableMap<String, AppliedRecord> appliedHeld() {
        if (applied == null) {
            NavigableMap<String, AppliedRecord> held = new TreeMap<>();
            store.scan(op("read applied"), Family.APPLIED, keys.first(), keys.end(),
                    (key, value) -> held.put(keys.suffix(key), AppliedRecord.decode(value)));
            applied = held;
        }
        return applied;
    }

    @Override
    public synchronized void beginApply(String app, long intentRevision, String contentHash) {
        PendingApply pending = new PendingApply(requireApp(app), intentRevision, contentHash);
        store.write(op("begin apply of " + app), batch ->
                batch.put(Family.META, keys.key(PENDING + app), pending.encodeValue()));
    }

    @Override
    public synchronized Optional<PendingApply> pendingApply(String app) {
        byte[] value = store.get(op("read pending apply of " + app), Family.META, keys.key(PENDING + requireApp(app)));
        return value == null ? Optional.empty() : Optional.of(PendingApply.decode(app, value));
    }

    @Override
    public synchronized List<PendingApply> pendingApplies() {
        List<PendingApply> pending = new ArrayList<>();
        store.scan(op("read pending applies"), Family.META, keys.key(PENDING), keys.endOf(PENDING),
                (key, value) -> pending.add(PendingApply.decode(keys.suffix(key).substring(PENDING.length()), value)));
        return List.copyOf(pending);
    }

    @Override
    public synchronized long recordApplied(String app, AppliedRecord rec, byte[] statusReport) {
        Objects.requireNonNull(rec, "rec");
        NavigableMap<String, AppliedRecord> held = appliedHeld();
        long seq = withReport("record apply of " + requireApp(app), statusReport, batch -> {
            batch.put(Family.APPLIED, keys.key(app), rec.encode());
            batch.delete(Family.META, keys.key(PENDING + app));
        });
        held.put(app, rec);
        return seq;
    }

    @Override
    public synchronized long recordFailed(String app, byte[] statusReport) {
        return withReport("record failed apply of " + requireApp(app), statusReport,
                batch -> batch.delete(Family.META, keys.key(PENDING + app)));
    }

    @Override
    public synchronized long recordRemoved(String app, byte[] statusReport) {
        NavigableMap<String, AppliedRecord> held = appliedHeld();
        long seq = withReport("record removal of " + requireApp(app), statusReport, batch -> {
            batch.delete(Family.APPLIED, keys.key(app));
            batch.delete(Family.META, keys.key(PENDING + app));
        });
        held.remove(app);
        return seq;
    }

    @Override
    public synchronized long appendOutbox(byte[] report) {
        return withReport("append to outbox", report, batch -> {});
    }

    @Override
    public synchronized Optional<OutboxEntry> latestOutbox() {
        Map.Entry<Long, byte[]> last = outbox().lastEntry();
        return last == null ? Optional.empty() : Optional.of(new OutboxEntry(last.getKey(), last.getValue()));
    }

    @Override
    public synchronized void ackOutbox(long upToSeq) {
        if (upToSeq <= 0) {
            return;
        }
        NavigableMap<Long, byte[]> acked = outbox().headMap(upToSeq, true);
        if (acked.isEmpty()) {
            return;
        }
        // point deletes of the entries held, never a range delete: every iterator on a column family
        // fragments the range tombstones in its memtable, so with thousands of sites acking, each
        // outbox read cost grows with the number of acks (the fan-out bench found it)
        List<Long> seqs = List.copyOf(acked.keySet());
        store.write(op("ack outbox up to " + upToSeq), batch -> {
            for (long seq : seqs) {
                batch.delete(Family.OUTBOX, keys.key(seq));
            }
        });
        acked.clear();
    }

    @Override
    public synchronized void saveIdentity(String region, Map<String, String> labels) {
        SiteIdentity identity = new SiteIdentity(region, labels);
        store.write(op("save identity"), batch -> batch.put(Family.META, keys.key(IDENTITY), identity.encode()));
    }

    @Override
    public synchronized Optional<SiteIdentity> identity() {
        byte[] value = store.get(op("read identity"), Family.META, keys.key(IDENTITY));
        return value == null ? Optional.empty() : Optional.of(SiteIdentity.decode(value));
    }

    /** The outbox sequences held, oldest first; for tests. */
    synchronized List<Long> outboxSequences() {
        List<Long> seqs = new ArrayList<>();
        store.scan(op("read outbox"), Family.OUTBOX, keys.first(), keys.end(), (key, value) -> seqs.add(keys.seq(key)));
        return seqs;
    }

    /**
     * Writes {@code more}, an outbox entry holding {@code report} and the advanced outbox sequence as
     * one batch; the in-memory sequence moves only once the batch is written.
     */
    private long withReport(String what, byte[] report, JournalStore.BatchFill more) {
        Objects.requireNonNull(report, "report");
        long seq = lastOutboxSeq() + 1;
        store.write(op(what), batch -> {
            more.fill(batch);
            batch.put(Family.OUTBOX, keys.key(seq), report);
            batch.put(Family.META, keys.key(OUTBOX_SEQ), ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
        });
        lastOutboxSeq = seq;
        outbox().put(seq, report.clone());
        return seq;
    }

    /**
     * The site's outbox entries by sequence: read from the store once, then kept in step with every
     * write of this journal (the only writer of the site's keys), so reading the latest report or
     * acking costs no iterator.
     */
    private NavigableMap<Long, byte[]> outbox() {
        if (outbox == null) {
            NavigableMap<Long, byte[]> held = new TreeMap<>();
            store.scan(op("read outbox"), Family.OUTBOX, keys.first(), keys.end(), (key, value) -> held.put(keys.seq(key), value));
            outbox = held;
        }
        return outbox;
    }

    private long lastOutboxSeq() {
        if (lastOutboxSeq < 0) {
            byte[] value = store.get(op("read outbox sequence"), Family.META, keys.key(OUTBOX_SEQ));
            lastOutboxSeq = value == null ? 0 : ByteBuffer.wrap(value).getLong();
        }
        return lastOutboxSeq;
    }

    private static String requireApp(String app) {
        if (app == null || app.isEmpty()) {
            throw new IllegalArgumentException("app name must be non-empty");
        }
        return app;
    }

    private String op(String what) {
        return "site " + site + ": " + what;
    }
}
