package io.cascade.edge.journal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One store holds the journals of 10,000 simulated sites, written concurrently: every site's marks
 * are read back after a reopen, every 50th site's whole journal.
 */
class ManySitesTest {

    private static final int SITES = 10_000;

    @TempDir
    Path dir;

    @Test
    void tenThousandSitesWriteConcurrentlyAndReadBackAfterReopen() throws Exception {
        byte[] appDoc = "kind: Deployment\nmetadata:\n  name: web\n".repeat(8).getBytes();
        long started = System.nanoTime();
        try (JournalStore store = JournalStore.open(dir);
                ExecutorService writers = Executors.newFixedThreadPool(8)) {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < SITES; i++) {
                String site = site(i);
                done.add(writers.submit(() -> {
                    Journal journal = store.site(site);
                    journal.applySync(List.of(new DesiredEntry("eu.app.web", 10, appDoc),
                            new DesiredEntry("eu.site." + site + ".web", 11, site.getBytes())), List.of(),
                            new Marks(10, 11), true);
                    journal.recordApplied("web", new AppliedRecord(3, "hash-3", Instant.EPOCH), site.getBytes());
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        }
        long written = System.nanoTime();
        try (JournalStore store = JournalStore.open(dir)) {
            Marks expected = new Marks(10, 11);
            for (int i = 0; i < SITES; i++) {
                Journal journal = store.site(site(i));
                if (!journal.marks().equals(expected)) {
                    throw new AssertionError(site(i) + " has marks " + journal.marks() + ", expected " + expected);
                }
                if (i % 50 == 0) {
                    assertThat(journal.desired()).containsOnlyKeys("eu.app.web", "eu.site." + site(i) + ".web");
                    assertThat(journal.applied()).containsOnlyKeys("web");
                    assertThat(journal.latestOutbox()).contains(new OutboxEntry(1, site(i).getBytes()));
                }
            }
        }
        System.out.printf("%d sites: written in %d ms, reopened and read back in %d ms%n", SITES,
                (written - started) / 1_000_000, (System.nanoTime() - written) / 1_000_000);
    }

    private static String site(int i) {
        return "store-%05d".formatted(i);
    }
}
