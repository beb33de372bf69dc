package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.provider.Providers;
import io.cascade.proto.AppRollup;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.RolloutState;
import io.cascade.proto.Wave;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.cascade.topology.testing.FabricExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A partition of region eu's leaf link to the hub (a proxy holding every byte, closing nothing, as a
 * network partition would) on real nats-servers: both ends of the link notice it by their pings, the
 * relay service by its rollups, the hub marks eu stale with its sites unknown, a rollout that targets eu
 * holds, a withdrawal leaves the rollup at once, the columns add up throughout, and after the heal eu's
 * rollup comes back fresh to the hub and everything converges. Prints the times measured; none is asserted (under the
 * whole suite on this 2-core machine the rollup once took 2.96 s after the link; speed is a bench's to measure).
 */
class PartitionIT {

    /** (PING_MAX + 1) pings unanswered, 2 s apart: 6 s; the bound leaves room for a loaded 2-core box. */
    static final Duration NOTICE = NatsServerConfig.PING_INTERVAL.multipliedBy(NatsServerConfig.PING_MAX + 1).plusSeconds(6);

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo().withLeafProxy();

    static FleetHarness fleet;

    @BeforeAll
    static void start() throws Exception {
        fleet = new FleetHarness(FABRIC, site -> Providers.fromSpec("sim"));
        fleet.startAllEdges();
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    @Test
    void aPartitionedRegionIsNoticedMarkedStaleHoldsItsRolloutAndComesBackWithItsLink() throws Exception {
        Map<String, String> stores = Map.of("tier", "store");
        RolloutPolicy waves = RolloutPolicy.newBuilder().addWaves(Wave.newBuilder().setPercent(50))
                .addWaves(Wave.newBuilder().setPercent(100)).build();
        fleet.publish(Intents.app("part-a", "1", stores, List.of()).build());
        fleet.publish(Intents.app("part-b", "1", stores, List.of()).build());
        assertAddsUp(awaitRollup(r -> ready(r, "part-a", 4) && ready(r, "part-b", 4)));
        int hubLeafs = FABRIC.hub().leafConnections();

        long cut = System.nanoTime();
        FABRIC.leafProxy("eu").partition();
        long hubNoticed = awaitNanos(() -> FABRIC.hub().leafConnections() < hubLeafs, NOTICE) - cut;
        long relayNoticed = awaitNanos(() -> FABRIC.relay("eu").leafConnections() == 0, NOTICE) - cut;
        long serviceNoticed = awaitNanos(() -> fleet.relays.get("eu").rollup().hubReachable() == 0, NOTICE) - cut;
        GlobalRollup silent = awaitRollup(r -> region(r, "eu").getStale());
        long staleAt = System.nanoTime() - cut;
        assertThat(region(silent, "eu").getSitesUnknown()).isEqualTo(3);
        assertThat(region(silent, "us").getStale()).isFalse();
        AppRollup a = app(silent, "part-a");
        assertThat(a.getStaleRegionsList()).containsExactly("eu");
        assertThat(List.of(a.getCounts().getTargeted(), a.getCounts().getUnknown())).containsExactly(4, 2);
        assertAddsUp(silent);

        // withdrawn during the partition: gone from the rollup at once, whatever eu last said about it
        fleet.withdraw("part-b");
        assertThat(rollup().getAppsList()).extracting(x -> x.getCounts().getApp()).doesNotContain("part-b");
        // a new release with waves: us converges, but no wave advances while eu is silent
        long v2 = fleet.publish(Intents.app("part-a", "2", stores, List.of()).setRollout(waves).build()).getIntentRevision();
        // the 50% wave holds while eu is silent: once the new release shows, it stays there for 8 s
        Predicate<GlobalRollup> holding = r -> app(r, "part-a").getRolloutState() == RolloutState.ROLLING_OUT
                && app(r, "part-a").getWavePercent() == 50;
        awaitRollup(holding);
        await().during(Duration.ofSeconds(8)).atMost(Duration.ofSeconds(12)).pollInterval(Duration.ofMillis(200))
                .until(() -> holding.test(rollup()));
        GlobalRollup held = rollup();
        AppRollup heldA = app(held, "part-a");
        assertThat(heldA.getRolloutState()).isEqualTo(RolloutState.ROLLING_OUT);
        assertThat(heldA.getWavePercent()).as("the 50% wave holds while eu is silent").isEqualTo(50);
        assertThat(heldA.getStaleRegionsList()).containsExactly("eu");
        assertAddsUp(held);

        FABRIC.leafProxy("eu").restore();
        long linkBack = awaitNanos(() -> FABRIC.hub().leafConnections() == hubLeafs, Duration.ofSeconds(30));
        long sequence = region(rollup(), "eu").getSequence();
        long fresh = awaitNanos(() -> {
            RegionHealth eu = region(rollup(), "eu");
            return !eu.getStale() && eu.getSequence() > sequence;
        }, Duration.ofSeconds(10)) - linkBack;
        GlobalRollup done = awaitRollup(r -> app(r, "part-a").getRolloutState() == RolloutState.STABLE
                && io.cascade.cli.rollup.RollupTable.atRevision(app(r, "part-a").getCounts(), v2).getReady() == 4
                && r.getAppsList().stream().noneMatch(x -> x.getCounts().getApp().equals("part-b")));
        long converged = System.nanoTime() - linkBack;
        assertAddsUp(done);

        System.out.printf("partition of eu's leaf link: hub server noticed after %d ms, relay server after %d ms, relay service "
                        + "after %d ms; hub marked eu stale after %d ms; after the link was back, eu's rollup at the hub in %d ms, "
                        + "rollout complete in %d ms%n", ms(hubNoticed), ms(relayNoticed), ms(serviceNoticed), ms(staleAt), ms(fresh),
                ms(converged));
    }

    static GlobalRollup rollup() {
        return fleet.fleetService.withDeadlineAfter(10, TimeUnit.SECONDS).getRollup(GetRollupRequest.getDefaultInstance()).getRollup();
    }

    static GlobalRollup awaitRollup(Predicate<GlobalRollup> done) {
        GlobalRollup[] last = new GlobalRollup[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).until(() -> {
            last[0] = rollup();
            return done.test(last[0]);
        });
        return last[0];
    }

    /** Polls until {@code condition} holds; the System.nanoTime() it first held at. */
    static long awaitNanos(java.util.concurrent.Callable<Boolean> condition, Duration within) {
        await().atMost(within).pollInterval(Duration.ofMillis(50)).until(condition);
        return System.nanoTime();
    }

    static boolean ready(GlobalRollup r, String app, int sites) {
        return r.getAppsList().stream().filter(a -> a.getCounts().getApp().equals(app)).findFirst()
                .map(a -> a.getCounts().getRevisionsList().stream().mapToInt(RevisionRollup::getReady).sum() == sites).orElse(false);
    }

    static AppRollup app(GlobalRollup r, String app) {
        return r.getAppsList().stream().filter(a -> a.getCounts().getApp().equals(app)).findFirst().orElseThrow();
    }

    static RegionHealth region(GlobalRollup r, String region) {
        return r.getRegionsList().stream().filter(h -> h.getRegion().equals(region)).findFirst().orElseThrow();
    }

    /** Every targeted site of every app in exactly one column. */
    static void assertAddsUp(GlobalRollup r) {
        for (AppRollup a : r.getAppsList()) {
            IntentRollup c = a.getCounts();
            long states = c.getRevisionsList().stream().mapToLong(x -> (long) x.getPending() + x.getApplying() + x.getReady()
                    + x.getFailed() + x.getDrifted()).sum();
            assertThat(c.getUnknown() + c.getOffline() + c.getNotReported() + states).as("columns of %s", c).isEqualTo(c.getTargeted());
        }
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
