package io.cascade.edge.journal;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One site's journal: its namespace in a shared {@link JournalStore}. It holds what the site must
 * run (desired docs and chain marks), what it has applied, its unacknowledged status reports and its
 * identity, so that the edge keeps enforcing desired state while its relay is unreachable and picks up
 * where it was after a restart.
 *
 * <p>Every method that changes the journal is one RocksDB {@code WriteBatch}: either all of it is
 * there after a crash or none of it is.
 *
 * <p>Thread safety: methods may be called from any thread; calls on one site are serialized, calls on
 * different sites run concurrently. Sequences of calls (read the marks, then store a delta) are the
 * caller's to order: one writer per site. Every method throws {@link JournalException} when RocksDB
 * fails or the store is closed.
 */
public interface Journal {

    /** The site id this journal belongs to. */
    String site();

    /** The chain marks; {@link Marks#NONE} for a fresh journal. */
    Marks marks();

    /** Every desired doc of the site, by key (sorted). */
    Map<String, DesiredEntry> desired();

    /**
     * Stores a live delta and the chain mark it advances, together.
     *
     * @param putOrNull        the doc the delta puts, or null
     * @param deletedKeyOrNull the key the delta deletes, or null (at most one of the two is set)
     * @param newMarks         the marks after this delta
     */
    void applyDelta(DesiredEntry putOrNull, String deletedKeyOrNull, Marks newMarks);

    /**
     * Stores a complete sync reply (all chunks) and the chain heads it carries, together.
     *
     * @param puts    docs to store
     * @param deletes keys to delete (tombstones in the reply)
     * @param marks   the reply's chain heads
     * @param full    true when the reply is the complete live set: every key held and not among
     *                {@code puts} is deleted in the same write
     */
    void applySync(List<DesiredEntry> puts, List<String> deletes, Marks marks, boolean full);

    /** What was last applied, by app (sorted). */
    Map<String, AppliedRecord> applied();

    /** Records that an apply is starting; call before the provider, so a crash during it is seen. */
    void beginApply(String app, long intentRevision, String contentHash);

    /** The app's unfinished apply, if {@link #beginApply} was not followed by a record. */
    Optional<PendingApply> pendingApply(String app);

    /** Every unfinished apply of the site (by app); after a restart these need a look at the provider. */
    List<PendingApply> pendingApplies();

    /**
     * Records a finished apply: the applied record, the clearing of the app's pending apply and an
     * outbox entry holding {@code statusReport}, together.
     *
     * @return the outbox sequence of the report
     */
    long recordApplied(String app, AppliedRecord rec, byte[] statusReport);

    /**
     * Records a failed apply: the clearing of the app's pending apply and an outbox entry, together.
     * The applied record stays as it was.
     *
     * @return the outbox sequence of the report
     */
    long recordFailed(String app, byte[] statusReport);

    /**
     * Records an app removed from the site: the deletion of its applied record and pending apply and
     * an outbox entry, together.
     *
     * @return the outbox sequence of the report
     */
    long recordRemoved(String app, byte[] statusReport);

    /**
     * Appends a status report to the outbox (e.g. a state change seen by the provider).
     *
     * @return its sequence: one more than the last sequence the site ever used, also across restarts
     *     and acks
     */
    long appendOutbox(byte[] report);

    /** The newest unacknowledged report; status is state, so only this one needs to be sent. */
    Optional<OutboxEntry> latestOutbox();

    /** Deletes every outbox entry with a sequence up to and including {@code upToSeq}. */
    void ackOutbox(long upToSeq);

    /** Saves the site's region and labels. */
    void saveIdentity(String region, Map<String, String> labels);

    /** The identity last saved, if any. */
    Optional<SiteIdentity> identity();
}
