package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeNode;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.Intent;
import io.cascade.topology.testing.FabricExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Desired state cascades down on real nats-servers: gRPC intent → hub KV → regional mirror → edge
 * journal → manifest-directory provider, including while edges are offline, a relay server is
 * killed, and the hub–relay link is cut.
 */
class DesiredStateIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo().withLeafProxy();

    static final Duration CONVERGE = Duration.ofSeconds(30);
    static final List<String> EU = List.of("store-eu-0001", "store-eu-0002", "gw-eu-0001");
    static final List<String> US = List.of("store-us-0001", "store-us-0002", "gw-us-0001");

    static FleetHarness fleet;
    static final Map<String, Path> dirs = new ConcurrentHashMap<>();
    static final Map<String, RecordingProvider> providers = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        fleet = new FleetHarness(FABRIC, site -> {
            Path dir = dirs.computeIfAbsent(site, s -> FABRIC.newDir("manifests-" + s));
            RecordingProvider p = new RecordingProvider(Providers.fromSpec("dir:" + dir));
            providers.put(site, p);
            return p;
        });
        fleet.startAllEdges();
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    /**
     * Every manifest file the site's provider wrote: what an operator would look at. Hidden files
     * (the provider's state and its temp files, renamed into place atomically) are not manifests.
     */
    static List<String> manifestFiles(String site) {
        for (int attempt = 1; ; attempt++) {
            try {
                return readManifests(dirs.get(site));
            } catch (UncheckedIOException e) {
                if (attempt == 5) {
                    throw e;
                }
                // a directory the provider pruned while it was being walked: look again
            }
        }
    }

    private static List<String> readManifests(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> all = new java.util.ArrayList<>();
            for (Path f : files.filter(Files::isRegularFile)
                    .filter(f -> !dir.relativize(f).toString().startsWith(".") && !f.getFileName().toString().startsWith("."))
                    .toList()) {
                try {
                    all.add(Files.readString(f));
                } catch (java.nio.file.NoSuchFileException prunedMeanwhile) {
                    // the provider pruned it between the listing and the read
                }
            }
            return all;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String manifests(String site) {
        return String.join("\n", manifestFiles(site));
    }

    /** True when one of the site's manifests is the app's ConfigMap at {@code version}. */
    static boolean runs(String site, String app, String version) {
        return manifestFiles(site).stream().anyMatch(m -> m.contains("name: " + app + "\n")
                && m.contains("version: \"" + version + "\""));
    }

    @Test
    void anIntentReachesExactlyTheMatchingSitesAndAnOverrideOnlyItsSite() {
        Intent intent = Intents.app("shop", "1.0", Map.of("tier", "store"), List.of("eu"))
                .addOverrides(Intents.override("eu", "store-eu-0001", "hallo"))
                .build();
        long revision = fleet.publish(intent).getIntentRevision();
        assertThat(revision).isPositive();

        await().atMost(CONVERGE).until(() -> runs("store-eu-0001", "shop", "1.0") && runs("store-eu-0002", "shop", "1.0"));
        assertThat(manifests("store-eu-0001")).contains("greeting: \"hallo\"");
        assertThat(manifests("store-eu-0002")).contains("greeting: \"${greeting}\"").doesNotContain("hallo");
        for (String other : List.of("gw-eu-0001", "store-us-0001", "store-us-0002", "gw-us-0001")) {
            assertThat(providers.get(other).applies("shop")).as(other).isZero();
            assertThat(manifests(other)).as(other).doesNotContain("name: shop");
        }
    }

    @Test
    void anEdgeOfflineDuring500DeltasOn10KeysConvergesWithOneDocPerKeyAndOneApplyPerApp() throws Exception {
        String site = "store-us-0002";
        fleet.stopEdge(site);
        for (int v = 1; v <= 50; v++) {
            for (int k = 0; k < 10; k++) {
                fleet.publish(Intents.app("burst-" + k, "v" + v, Map.of(), List.of("us")).build());
            }
        }
        long t0 = System.nanoTime();
        EdgeNode edge = fleet.startEdge(site);
        await().atMost(CONVERGE).until(() -> {
            for (int k = 0; k < 10; k++) {
                if (!runs(site, "burst-" + k, "v50")) {
                    return false;
                }
            }
            return true;
        });
        System.out.printf("catch-up after 500 deltas on 10 keys: converged in %d ms, sync entries %d in %d sync(s), %d bytes%n",
                (System.nanoTime() - t0) / 1_000_000, edge.stats().syncEntries(), edge.stats().syncs(), edge.stats().syncBytes());
        assertThat(edge.stats().syncEntries()).isLessThanOrEqualTo(10);
        RecordingProvider p = providers.get(site);
        // the recorder counts an apply once the provider returned, just after its files appeared
        await().atMost(CONVERGE).until(() -> java.util.stream.IntStream.range(0, 10).allMatch(k -> p.applies("burst-" + k) >= 1));
        for (int k = 0; k < 10; k++) {
            assertThat(p.applies("burst-" + k)).as("applies of burst-" + k).isEqualTo(1);
        }
        // a site that stayed online got the same end state
        await().atMost(CONVERGE).until(() -> runs("store-us-0001", "burst-9", "v50"));
    }

    @Test
    void anAppWithdrawnWhileAnEdgeWasOfflineIsRemovedWhenItReconnects() throws Exception {
        fleet.publish(Intents.app("gone", "1", Map.of("tier", "gateway"), List.of()).build());
        await().atMost(CONVERGE).until(() -> runs("gw-eu-0001", "gone", "1") && runs("gw-us-0001", "gone", "1"));

        fleet.stopEdge("gw-eu-0001");
        fleet.withdraw("gone");
        await().atMost(CONVERGE).until(() -> !manifests("gw-us-0001").contains("name: gone"));
        assertThat(manifests("gw-eu-0001")).as("offline site still holds it").contains("name: gone");

        fleet.startEdge("gw-eu-0001");
        await().atMost(CONVERGE).until(() -> !manifests("gw-eu-0001").contains("name: gone")
                && providers.get("gw-eu-0001").removes("gone") >= 1);
        assertThat(providers.get("gw-eu-0001").removes("gone")).isEqualTo(1);
    }

    @Test
    void edgesConvergeAfterTheirRelayServerIsKilledAndRestarted() throws Exception {
        fleet.publish(Intents.app("crash", "1", Map.of(), List.of("eu")).build());
        await().atMost(CONVERGE).until(() -> EU.stream().allMatch(s -> runs(s, "crash", "1")));

        FABRIC.relay("eu").kill();
        fleet.publish(Intents.app("crash", "2", Map.of(), List.of("eu")).build());
        FABRIC.relay("eu").restart(Duration.ofSeconds(20));
        FABRIC.fabric().awaitLeafLinks(Duration.ofSeconds(30));

        await().atMost(CONVERGE).until(() -> EU.stream().allMatch(s -> runs(s, "crash", "2")));
    }

    @Test
    void anEdgeCutOffFromItsRelayKeepsEnforcingItsJournalAndRepairsDrift() throws Exception {
        String site = "gw-us-0001";
        fleet.publish(Intents.app("drift", "1", Map.of("tier", "gateway"), List.of("us")).build());
        await().atMost(CONVERGE).until(() -> runs(site, "drift", "1"));

        FABRIC.relay("us").kill();
        try (Stream<Path> files = Files.walk(dirs.get(site))) {
            Path manifest = files.filter(f -> f.toString().endsWith(".yaml") && f.toString().contains("/drift/")).findFirst().orElseThrow();
            Files.writeString(manifest, "tampered by hand\n");
        }
        assertThat(runs(site, "drift", "1")).isFalse();
        // the recorder counts an apply once the provider returned, just after the files are back
        await().atMost(CONVERGE).until(() -> runs(site, "drift", "1") && providers.get(site).applies("drift") >= 2);
        assertThat(providers.get(site).applies("drift")).as("applied, then applied again to repair").isEqualTo(2);

        FABRIC.relay("us").restart(Duration.ofSeconds(20));
        FABRIC.fabric().awaitLeafLinks(Duration.ofSeconds(30));
    }

    static boolean online(String region, String site) {
        return fleet.relays.get(region).sites().scan("", v -> v.site().equals(site), 1).stream()
                .anyMatch(io.cascade.relay.status.SiteRegistry.SiteView::online);
    }

    @Test
    void anEdgeOfflineForAWhileIsMarkedOfflineThenSendsOnlyItsLatestStateOnReconnect() throws Exception {
        String site = "store-eu-0002";
        var relay = fleet.relays.get("eu");
        fleet.publish(Intents.app("quiet", "1", Map.of("country", "fr"), List.of("eu")).build());
        await().atMost(CONVERGE).until(() -> runs(site, "quiet", "1") && online("eu", site)
                && relay.sites().latest(site).map(st -> st.getAppsList().stream()
                        .anyMatch(a -> a.getApp().equals("quiet"))).orElse(false));

        // the site loses its relay; meanwhile its state changes twice (drift repaired twice)
        FABRIC.relay("eu").kill();
        for (int i = 0; i < 2; i++) {
            try (Stream<Path> files = Files.walk(dirs.get(site))) {
                Path manifest = files.filter(f -> f.toString().endsWith(".yaml") && f.toString().contains("/quiet/")
                        && !f.getFileName().toString().startsWith(".")).findFirst().orElseThrow();
                Files.writeString(manifest, "tampered " + i + "\n");
            }
            int before = providers.get(site).applies("quiet");
            await().atMost(CONVERGE).until(() -> providers.get(site).applies("quiet") > before);
        }
        await("the relay marks the silent site offline").atMost(CONVERGE).until(() -> !online("eu", site));
        long staleBefore = relay.statusIntake().stale();

        FABRIC.relay("eu").restart(Duration.ofSeconds(20));
        FABRIC.fabric().awaitLeafLinks(Duration.ofSeconds(30));
        await("back online on its report").atMost(CONVERGE).until(() -> online("eu", site));
        var journal = fleet.edges.get(site).journals().site(site);
        await().atMost(CONVERGE).until(() -> journal.latestOutbox().isEmpty());
        assertThat(relay.statusIntake().stale()).as("no older report reached the relay").isEqualTo(staleBefore);
        assertThat(relay.sites().latest(site).orElseThrow().getAppsList())
                .anySatisfy(a -> assertThat(a.getApp()).isEqualTo("quiet"));
    }

    @Test
    void edgesConvergeAfterTheHubRelayLinkIsCutAndRestored() throws Exception {
        fleet.publish(Intents.app("cut", "1", Map.of(), List.of()).build());
        await().atMost(CONVERGE).until(() -> US.stream().allMatch(s -> runs(s, "cut", "1")));

        FABRIC.leafProxy().cut();
        await().atMost(Duration.ofSeconds(10)).until(() -> FABRIC.hub().leafConnections() == 0);
        fleet.publish(Intents.app("cut", "2", Map.of(), List.of()).build());
        assertThat(US.stream().noneMatch(s -> runs(s, "cut", "2"))).as("nothing crosses a cut link").isTrue();

        FABRIC.leafProxy().restore();
        FABRIC.fabric().awaitLeafLinks(Duration.ofSeconds(30));
        await().atMost(CONVERGE).until(() -> US.stream().allMatch(s -> runs(s, "cut", "2"))
                && EU.stream().allMatch(s -> runs(s, "cut", "2")));
    }
}
