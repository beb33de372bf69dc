package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.JournalOptions;
import io.cascade.edge.journal.JournalStore;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.Providers;
import io.cascade.topology.testing.FabricExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An edge process (the packaged edge as {@code ./cascade edge} runs one site, {@link PackagedEdge}) killed with SIGKILL while an apply has landed
 * but is not yet recorded: after restart no app is applied twice and the journal is consistent.
 * Then its journal is corrupted: it is moved aside and the edge resyncs in full.
 */
class EdgeCrashIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static final String SITE = "store-eu-0001";
    static final List<String> APPS = List.of("crash-a", "crash-b", "crash-c");
    static FleetHarness fleet;

    @BeforeAll
    static void start() throws Exception {
        fleet = new FleetHarness(FABRIC, site -> {
            throw new IllegalStateException("edges run as processes here");
        });
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    @Test
    void aKillBetweenApplyAndRecordNeitherLosesNorRepeatsAnApplyAndACorruptJournalResyncsInFull() throws Exception {
        for (String app : APPS) {
            fleet.publish(Intents.app(app, "1", Map.of("country", "de", "tier", "store"), List.of("eu")).build());
        }
        Path journal = FABRIC.newDir("journal").resolve("j");
        Path manifests = FABRIC.newDir("manifests");

        // run 1: every apply is acknowledged 3 s after it landed; kill while crash-b sits in that window
        Path log1 = manifests.getParent().resolve("edge-1.log");
        Process run1 = edge(journal, "slow:3s:dir:" + manifests, log1);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(manifests.resolve(".cascade/crash-b.hash")));
            assertThat(Files.exists(manifests.resolve(".cascade/crash-c.hash"))).isFalse();
        } finally {
            run1.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        // RocksJava loaded its library from lib/native: the killed process left no 15 MB copy in its temp dir
        try (var left = Files.list(journal.resolveSibling("tmp"))) {
            assertThat(left.map(f -> f.getFileName().toString())).noneMatch(f -> f.contains("rocksdb"));
        }
        assertThat(applied(log1)).containsExactly("crash-a");

        // run 2: restart on the same journal
        Path log2 = manifests.getParent().resolve("edge-2.log");
        Process run2 = edge(journal, "dir:" + manifests, log2);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> applied(log2).contains("crash-c"));
        } finally {
            run2.destroy();
            run2.waitFor(20, TimeUnit.SECONDS);
        }
        assertThat(read(log2)).contains("app crash-b: the apply of revision", "had landed before the restart; recorded, not repeated");
        assertThat(applied(log2)).as("applied after the restart").containsExactly("crash-c");
        // one site per process: its journal was opened sized for one site (RocksDB records the options it ran with)
        assertThat(latestRocksOptions(journal)).contains("max_total_wal_size=" + JournalOptions.ONE_SITE.memoryBytes());

        try (JournalStore store = JournalStore.open(journal); Provider dir = Providers.fromSpec("dir:" + manifests)) {
            Journal j = store.site(SITE);
            assertThat(j.pendingApplies()).isEmpty();
            assertThat(j.applied()).containsOnlyKeys(APPS);
            for (String app : APPS) {
                assertThat(dir.appliedHash(app)).contains(j.applied().get(app).contentHash());
            }
        }

        // run 3: the journal is corrupted while the edge is down
        Files.writeString(journal.resolve("CURRENT"), "garbage\n");
        Path log3 = manifests.getParent().resolve("edge-3.log");
        Process run3 = edge(journal, "dir:" + manifests, log3);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> read(log3).contains("synced (start)"));
        } finally {
            run3.destroy();
            run3.waitFor(20, TimeUnit.SECONDS);
        }
        String out3 = read(log3);
        assertThat(out3).contains("moved to " + journal + ".corrupt-").containsPattern("synced \\(start\\): 3 entries .*full");
        try (var moved = Files.list(journal.getParent())) {
            assertThat(moved.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("j.corrupt-"));
        }
        try (JournalStore store = JournalStore.open(journal)) {
            assertThat(store.site(SITE).applied()).containsOnlyKeys(APPS);
        }
    }

    /** The newest OPTIONS-<n> file RocksDB wrote in {@code journal}: the options the last process opened it with. */
    static String latestRocksOptions(Path journal) throws IOException {
        try (var files = Files.list(journal)) {
            Path newest = files.filter(f -> f.getFileName().toString().matches("OPTIONS-\\d+"))
                    .max(java.util.Comparator.comparingLong(f -> Long.parseLong(f.getFileName().toString().substring(8))))
                    .orElseThrow(() -> new AssertionError("no RocksDB OPTIONS file in " + journal));
            return Files.readString(newest);
        }
    }

    static Process edge(Path journal, String provider, Path log) throws IOException {
        Path creds = FABRIC.credentials(new io.cascade.topology.trust.Identity.Site("eu", SITE))
                .write(journal.resolveSibling(SITE + ".creds"));
        return PackagedEdge.start(journal, log, "--site", SITE, "--region", "eu", "--labels", "tier=store,country=de",
                "--relay", FABRIC.relay("eu").clientUrl(), "--creds", creds.toString(), "--provider", provider);
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The apps a run's log says were applied (by calling the provider), in order. */
    static List<String> applied(Path log) {
        Matcher m = Pattern.compile("app (\\S+): applied revision").matcher(read(log));
        List<String> apps = new java.util.ArrayList<>();
        while (m.find()) {
            apps.add(m.group(1));
        }
        return apps;
    }
}
