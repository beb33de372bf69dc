package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeHost;
import io.cascade.edge.journal.AppliedRecord;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.AppRollup;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.RevisionRollup;
import io.cascade.relay.Relay;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueEntry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Status rolls up on real nats-servers: 200 simulated edges over 2 relays report through their
 * journals' outboxes, the relays aggregate, the hub merges; the numbers are checked against the
 * truth read from the edges' journals.
 */
class RollupIT {

    static final int PER_REGION = 100;
    static final Duration CONVERGE = Duration.ofSeconds(60);

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FleetHarness.twoRegions("rollup", PER_REGION, "store-"));

    static FleetHarness fleet;
    static final Map<String, EdgeHost> hosts = new LinkedHashMap<>();
    static Connection hub;

    @BeforeAll
    static void start() throws Exception {
        fleet = FleetHarness.withOwnHosts(FABRIC);
        for (String region : FABRIC.fleet().regionNames()) {
            hosts.put(region, fleet.startRegionHost(region, site -> Providers.fromSpec("sim:seed=1")));
        }
        hub = FABRIC.connectHub();
    }

    @AfterAll
    static void stop() throws Exception {
        for (EdgeHost h : hosts.values()) {
            h.close();
        }
        hub.close();
        fleet.close();
    }

    static GlobalRollup rollup(String app) {
        return fleet.fleetService.withDeadlineAfter(10, TimeUnit.SECONDS)
                .getRollup(GetRollupRequest.newBuilder().setApp(app).build()).getRollup();
    }

    static RevisionRollup at(GlobalRollup g, String app, long revision) {
        for (AppRollup a : g.getAppsList()) {
            if (a.getCounts().getApp().equals(app)) {
                return a.getCounts().getRevisionsList().stream().filter(r -> r.getIntentRevision() == revision)
                        .findFirst().orElse(RevisionRollup.getDefaultInstance());
            }
        }
        return RevisionRollup.getDefaultInstance();
    }

    static RegionRollup regionRollup(String region) throws Exception {
        KeyValue kv = hub.keyValue(Subjects.KV_ROLLUP);
        KeyValueEntry e = kv.get(region);
        return e == null ? RegionRollup.getDefaultInstance() : RegionRollup.parseFrom(e.getValue());
    }

    /** How many sites of the region's host have {@code app} applied at {@code revision}, from their journals. */
    static long truth(String region, String app, long revision) {
        EdgeHost h = hosts.get(region);
        return h.edges().stream().filter(e -> {
            AppliedRecord rec = h.journals().site(e.config().site()).applied().get(app);
            return rec != null && rec.intentRevision() == revision;
        }).count();
    }

    @Test
    void twoHundredEdgesRollUpToTwoHundredReadyMatchingTheirJournals() throws Exception {
        long revision = fleet.publish(Intents.app("rolled", "1", Map.of("tier", "store"), List.of()).build()).getIntentRevision();
        await().atMost(CONVERGE).until(() -> at(rollup("rolled"), "rolled", revision).getReady() == 2 * PER_REGION);
        GlobalRollup g = rollup("rolled");
        IntentRollup counts = g.getApps(0).getCounts();
        assertThat(counts.getTargeted()).isEqualTo(2 * PER_REGION);
        assertThat(counts.getNotReported()).isZero();
        for (String region : List.of("eu", "us")) {
            RegionRollup rr = regionRollup(region);
            IntentRollup ir = rr.getIntentsList().stream().filter(i -> i.getApp().equals("rolled")).findFirst().orElseThrow();
            long ready = ir.getRevisionsList().stream().filter(r -> r.getIntentRevision() == revision)
                    .mapToLong(RevisionRollup::getReady).sum();
            assertThat(ready).as(region).isEqualTo(truth(region, "rolled", revision)).isEqualTo(PER_REGION);
        }
    }

    @Test
    void aRelayRestartedMidRolloutNeitherLosesNorDoubleCountsASite() throws Exception {
        long revision = fleet.publish(Intents.app("restarted", "1", Map.of("tier", "store"), List.of()).build()).getIntentRevision();
        Relay eu = fleet.relays.get("eu");
        eu.close();
        fleet.relays.put("eu", fleet.startRelay("eu"));
        await().atMost(CONVERGE).until(() -> at(rollup("restarted"), "restarted", revision).getReady() == 2 * PER_REGION);
        RevisionRollup r = at(rollup("restarted"), "restarted", revision);
        assertThat(r.getReady()).isEqualTo(2 * PER_REGION);
        assertThat(r.getPending() + r.getApplying() + r.getFailed() + r.getDrifted()).isZero();
        assertThat(truth("eu", "restarted", revision) + truth("us", "restarted", revision)).isEqualTo(2 * PER_REGION);
    }

    @Test
    void theHubReceivesRollupsPerRegionNotReportsPerSite() throws Exception {
        long sites = 2L * PER_REGION;
        long heartbeats0 = heartbeats();
        long puts0 = rollupPuts();
        long t0 = System.nanoTime();
        // two heartbeat periods of every edge: each site has sent two more heartbeats
        await().atMost(Duration.ofSeconds(30)).until(() -> heartbeats() >= heartbeats0 + 2 * sites);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long reports = heartbeats() - heartbeats0;
        long puts = rollupPuts() - puts0;
        System.out.printf("over %.1f s: %d status messages went to the relays, the hub received %d rollup messages%n",
                seconds, reports, puts);
        // at most one rollup per region per 500 ms, plus one in flight per region
        assertThat(puts).isLessThanOrEqualTo(2 * (long) Math.ceil(seconds / 0.5) + 2);
        assertThat(puts).isLessThan(reports / 10);
    }

    static long heartbeats() {
        return hosts.values().stream().flatMap(h -> h.edges().stream())
                .mapToLong(e -> e.reporter().heartbeats() + e.reporter().reports()).sum();
    }

    /** Messages ever stored in the hub's rollup bucket (its stream's last sequence). */
    static long rollupPuts() throws Exception {
        return hub.jetStreamManagement().getStreamInfo("KV_" + Subjects.KV_ROLLUP).getStreamState().getLastSequence();
    }
}
