package io.cascade.edge.journal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every journal transition against a real RocksDB, checked again after closing and reopening. */
class JournalTest {

    @TempDir
    Path dir;

    @Test
    void deltaAndItsMarkLandTogetherAndSurviveReopen() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.marks()).isEqualTo(Marks.NONE);
            journal.applyDelta(entry("eu.app.web", 7, "web v1"), null, new Marks(7, 0));
            journal.applyDelta(entry("eu.site.store-1.web", 8, "ip 10.0.0.1"), null, new Marks(7, 8));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.marks()).isEqualTo(new Marks(7, 8));
            assertThat(journal.desired()).containsExactly(
                    Map.entry("eu.app.web", entry("eu.app.web", 7, "web v1")),
                    Map.entry("eu.site.store-1.web", entry("eu.site.store-1.web", 8, "ip 10.0.0.1")));
            assertThat(store.recoveredFromCorruption()).isEmpty();
        }
    }

    @Test
    void deleteDeltaRemovesTheKeyAndAdvancesTheMark() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            journal.applyDelta(entry("eu.app.web", 3, "web"), null, new Marks(3, 0));
            journal.applyDelta(entry("eu.app.db", 4, "db"), null, new Marks(4, 0));
            journal.applyDelta(null, "eu.app.web", new Marks(5, 0));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.desired()).containsOnlyKeys("eu.app.db");
            assertThat(journal.marks()).isEqualTo(new Marks(5, 0));
        }
    }

    @Test
    void deltaPutsOrDeletesButNotBoth() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThatThrownBy(() -> journal.applyDelta(entry("eu.app.a", 1, "a"), "eu.app.b", new Marks(1, 0)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("put eu.app.a, delete eu.app.b");
            assertThat(journal.marks()).isEqualTo(Marks.NONE);
        }
    }

    @Test
    void incrementalSyncStoresPutsDeletesAndMarksTogether() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            journal.applySync(List.of(entry("eu.app.web", 3, "web"), entry("eu.app.db", 4, "db")), List.of(),
                    new Marks(4, 0), false);
            journal.applySync(List.of(entry("eu.app.cache", 9, "cache")), List.of("eu.app.web"), new Marks(9, 2),
                    false);
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.desired()).containsOnlyKeys("eu.app.cache", "eu.app.db");
            assertThat(journal.marks()).isEqualTo(new Marks(9, 2));
        }
    }

    @Test
    void fullSyncDropsKeysNotInTheReply() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            journal.applySync(List.of(entry("eu.app.web", 3, "web"), entry("eu.app.db", 4, "db"),
                    entry("eu.site.store-1.web", 5, "override")), List.of(), new Marks(4, 5), false);
            // the relay compacted tombstones: it answers with the whole live set
            journal.applySync(List.of(entry("eu.app.db", 12, "db v2"), entry("eu.app.queue", 11, "queue")),
                    List.of(), new Marks(12, 10), true);
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.desired()).containsExactly(
                    Map.entry("eu.app.db", entry("eu.app.db", 12, "db v2")),
                    Map.entry("eu.app.queue", entry("eu.app.queue", 11, "queue")));
            assertThat(journal.marks()).isEqualTo(new Marks(12, 10));
        }
    }

    @Test
    void sitesWithTheSameKeysAreIsolated() {
        try (JournalStore store = JournalStore.open(dir)) {
            // "a" is a prefix of "ab": the NUL after the site id keeps their ranges apart
            Journal a = store.site("a");
            Journal ab = store.site("ab");
            a.applyDelta(entry("eu.app.web", 1, "a's web"), null, new Marks(1, 0));
            ab.applyDelta(entry("eu.app.web", 2, "ab's web"), null, new Marks(2, 0));
            a.recordApplied("web", new AppliedRecord(1, "hash-a", Instant.EPOCH), bytes("a applied"));
            ab.appendOutbox(bytes("ab 1"));
            ab.appendOutbox(bytes("ab 2"));

            ab.applySync(List.of(), List.of(), new Marks(3, 0), true);
            a.ackOutbox(1);
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal a = store.site("a");
            Journal ab = store.site("ab");
            assertThat(a.desired()).containsExactly(Map.entry("eu.app.web", entry("eu.app.web", 1, "a's web")));
            assertThat(ab.desired()).isEmpty();
            assertThat(a.marks()).isEqualTo(new Marks(1, 0));
            assertThat(ab.marks()).isEqualTo(new Marks(3, 0));
            assertThat(a.applied()).containsOnlyKeys("web");
            assertThat(ab.applied()).isEmpty();
            assertThat(a.latestOutbox()).isEmpty();
            assertThat(ab.latestOutbox()).contains(new OutboxEntry(2, bytes("ab 2")));
            assertThat(store.site("abc").desired()).isEmpty();
        }
    }

    @Test
    void appliedRecordClearedMarkerAndOutboxEntryLandTogether() {
        Instant at = Instant.parse("2025-03-01T10:15:30.123456789Z");
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            journal.beginApply("web", 42, "hash-42");
            long seq = journal.recordApplied("web", new AppliedRecord(42, "hash-42", at), bytes("web READY at 42"));
            assertThat(seq).isEqualTo(1);
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.applied()).containsExactly(Map.entry("web", new AppliedRecord(42, "hash-42", at)));
            assertThat(journal.pendingApply("web")).isEmpty();
            assertThat(journal.latestOutbox()).contains(new OutboxEntry(1, bytes("web READY at 42")));
        }
    }

    @Test
    void pendingApplyMarkerLifecycle() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            journal.beginApply("web", 7, "hash-7");
            journal.beginApply("db", 3, "hash-3");
        }
        try (JournalStore store = JournalStore.open(dir)) {
            // a restart after a crash in the middle of both applies finds both markers
            Journal journal = store.site("store-1");
            assertThat(journal.pendingApplies()).containsExactly(
                    new PendingApply("db", 3, "hash-3"), new PendingApply("web", 7, "hash-7"));
            assertThat(journal.pendingApply("web")).contains(new PendingApply("web", 7, "hash-7"));

            journal.recordFailed("db", bytes("db FAILED"));
            assertThat(journal.pendingApply("db")).isEmpty();
            assertThat(journal.applied()).doesNotContainKey("db");

            journal.beginApply("web", 8, "hash-8");
            assertThat(journal.pendingApply("web")).contains(new PendingApply("web", 8, "hash-8"));
            journal.recordApplied("web", new AppliedRecord(8, "hash-8", Instant.EPOCH), bytes("web READY"));
            assertThat(journal.pendingApplies()).isEmpty();

            journal.beginApply("web", 9, "hash-9");
            long seq = journal.recordRemoved("web", bytes("web removed"));
            assertThat(seq).isEqualTo(3);
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.pendingApplies()).isEmpty();
            assertThat(journal.applied()).isEmpty();
            assertThat(journal.latestOutbox()).contains(new OutboxEntry(3, bytes("web removed")));
        }
    }

    @Test
    void outboxSequenceKeepsGrowingAcrossAcksAndRestarts() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.appendOutbox(bytes("r1"))).isEqualTo(1);
            assertThat(journal.appendOutbox(bytes("r2"))).isEqualTo(2);
            journal.ackOutbox(2);
            assertThat(journal.latestOutbox()).isEmpty();
        }
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.appendOutbox(bytes("r3"))).isEqualTo(3);
            assertThat(journal.latestOutbox()).contains(new OutboxEntry(3, bytes("r3")));
        }
    }

    @Test
    void ackDeletesEntriesUpToAndIncludingTheSequence() {
        try (JournalStore store = JournalStore.open(dir)) {
            RocksJournal journal = (RocksJournal) store.site("store-1");
            for (int i = 1; i <= 5; i++) {
                journal.appendOutbox(bytes("r" + i));
            }
            journal.ackOutbox(3);
            assertThat(journal.outboxSequences()).containsExactly(4L, 5L);
            assertThat(journal.latestOutbox()).contains(new OutboxEntry(5, bytes("r5")));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            RocksJournal journal = (RocksJournal) store.site("store-1");
            assertThat(journal.outboxSequences()).containsExactly(4L, 5L);
            journal.ackOutbox(Long.MAX_VALUE);
            assertThat(journal.outboxSequences()).isEmpty();
        }
    }

    @Test
    void acksOfManySitesLeaveNoRangeTombstonesForLaterReadsToWadeThrough() {
        try (JournalStore store = JournalStore.open(dir)) {
            for (int i = 0; i < 200; i++) {
                Journal journal = store.site("store-" + i);
                journal.appendOutbox(bytes("r1"));
                journal.appendOutbox(bytes("r2"));
                journal.ackOutbox(2);
                assertThat(journal.latestOutbox()).isEmpty();
            }
            // an ack deletes the entries it covers one by one: a range delete per ack would leave a range
            // tombstone that every later iterator on the outbox family fragments again (the fan-out bench
            // measured outbox reads growing with the number of acks)
            assertThat(store.pointDeletesInMemtable(Family.OUTBOX)).isEqualTo(2 * 200);
            assertThat(((RocksJournal) store.site("store-7")).outboxSequences()).isEmpty();
        }
    }

    @Test
    void identityIsSavedAndReadBack() {
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            assertThat(journal.identity()).isEmpty();
            journal.saveIdentity("eu", Map.of("tier", "store", "topology.kubernetes.io/zone", "eu-west-1a"));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertThat(store.site("store-1").identity()).contains(new SiteIdentity("eu",
                    Map.of("tier", "store", "topology.kubernetes.io/zone", "eu-west-1a")));
        }
    }

    @Test
    void syncWritesOptionWritesDurably() {
        try (JournalStore store = JournalStore.open(dir, JournalOptions.DEFAULTS.withSyncWrites(true))) {
            store.site("store-1").applyDelta(entry("eu.app.web", 1, "web"), null, new Marks(1, 0));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertThat(store.site("store-1").marks()).isEqualTo(new Marks(1, 0));
        }
    }

    @Test
    void aStoreForOneSiteIsSizedForOneAndAStoreForManyKeepsTheSharedDefaults() {
        assertThat(JournalOptions.forSites(1)).isEqualTo(JournalOptions.ONE_SITE);
        assertThat(JournalOptions.forSites(0)).isEqualTo(JournalOptions.DEFAULTS);
        assertThat(JournalOptions.forSites(2)).isEqualTo(JournalOptions.DEFAULTS);
        try (JournalStore store = JournalStore.open(dir, JournalOptions.ONE_SITE)) {
            assertThat(store.blockCacheBytes()).isEqualTo(4L << 20);
            store.site("store-1").applyDelta(entry("eu.app.web", 1, "web"), null, new Marks(1, 0));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertThat(store.blockCacheBytes()).isEqualTo(32L << 20);
            assertThat(store.site("store-1").marks()).isEqualTo(new Marks(1, 0));
        }
    }

    @Test
    void callsAfterCloseFailWithAnErrorInsteadOfCrashingTheJvm() {
        JournalStore store = JournalStore.open(dir);
        Journal journal = store.site("store-1");
        store.close();
        store.close();
        assertThatThrownBy(journal::marks)
                .isInstanceOf(JournalException.class)
                .hasMessageContaining("is closed (site store-1: read marks)");
    }

    @Test
    void badArgumentsAreRejectedWithAReason() {
        try (JournalStore store = JournalStore.open(dir)) {
            assertThatThrownBy(() -> store.site("bad\0site")).hasMessageContaining("without NUL");
            assertThatThrownBy(() -> store.site("")).hasMessageContaining("non-empty");
            assertThat(store.site("store-1")).isSameAs(store.site("store-1"));
        }
        assertThatThrownBy(() -> new Marks(-1, 0)).hasMessageContaining("must be >= 0");
        assertThatThrownBy(() -> new DesiredEntry("eu.app.web", 0, new byte[0])).hasMessageContaining("> 0");
        assertThatThrownBy(() -> new JournalOptions(false, 1024)).hasMessageContaining("at least 4 MiB");
    }

    static DesiredEntry entry(String key, long revision, String doc) {
        return new DesiredEntry(key, revision, bytes(doc));
    }

    static byte[] bytes(String text) {
        return text.getBytes(UTF_8);
    }
}
