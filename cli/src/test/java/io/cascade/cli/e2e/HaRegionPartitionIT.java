package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeHost;
import io.cascade.proto.AppRollup;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RolloutState;
import io.cascade.topology.testing.FabricExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Regions of 3 relay servers, their leaf links to the hub through a proxy per region the test controls (issue 28,
 * item 5): in the 50 % wave of a rollout, every leaf link of region eu is cut for 30 s (the proxy holds every byte
 * and closes nothing, as a network partition would). The hub marks eu stale and the wave holds; once the link is
 * back, eu's rollup is at the hub again, the rollout completes, every edge converges, and the hub's final rollup
 * equals the edges' journals with each site counted once. Prints the times after the link came back.
 */
class HaRegionPartitionIT {

    static final int PER_REGION = 10;
    static final String APP = "ha-partition";
    static final Duration CUT = Duration.ofSeconds(30);
    static final Duration SOAK = Duration.ofSeconds(15);

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FleetHarness.twoRegions("ha-part", PER_REGION, "p-"))
            .withHaRegions().withLeafProxy();

    @Test
    void aRolloutHoldsWhileARegionIsCutOffFor30SecondsAndCompletesAfter() throws Exception {
        try (FleetHarness fleet = FleetHarness.withOwnHosts(FABRIC)) {
            // each wave soaks 15 s: the 50 % wave cannot move on before the hub has marked eu stale (3 missed rollup
            // heartbeats after the cut), so the cut lands in it whatever the machine's speed
            HaRolloutIT.Rolling rolling = HaRolloutIT.rollToHalf(fleet, APP, SOAK);
            List<EdgeHost> hosts = rolling.hosts();
            long v2 = rolling.v2();
            int hubLeafs = FABRIC.hub().leafConnections();

            FABRIC.leafProxy("eu").partition();
            long cut = System.nanoTime();
            long staleAt = PartitionIT.awaitNanos(() -> PartitionIT.region(rollup(fleet), "eu").getStale(), CUT) - cut;
            // the cut lasts CUT; the 50 % wave holds at every look until then
            Duration left = Duration.ofNanos(Math.max(0, CUT.toNanos() - (System.nanoTime() - cut)));
            await().during(left).atMost(left.plusSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                AppRollup a = PartitionIT.app(rollup(fleet), APP);
                return a.getRolloutState() == RolloutState.ROLLING_OUT && a.getWavePercent() == 50;
            });
            AppRollup held = PartitionIT.app(rollup(fleet), APP);
            assertThat(held.getRolloutState()).isEqualTo(RolloutState.ROLLING_OUT);
            assertThat(held.getWavePercent()).as("the 50%% wave holds while eu is cut off").isEqualTo(50);
            assertThat(held.getStaleRegionsList()).containsExactly("eu");

            FABRIC.leafProxy("eu").restore();
            long healed = System.nanoTime();
            long linkBack = PartitionIT.awaitNanos(() -> FABRIC.hub().leafConnections() == hubLeafs, Duration.ofSeconds(30)) - healed;
            long sequence = PartitionIT.region(rollup(fleet), "eu").getSequence();
            long fresh = PartitionIT.awaitNanos(() -> {
                RegionHealth eu = PartitionIT.region(rollup(fleet), "eu");
                return !eu.getStale() && eu.getSequence() > sequence;
            }, Duration.ofSeconds(30)) - healed;
            long nextStep = HaRolloutIT.awaitPastHalf(fleet, APP) - healed;
            long done = HaRolloutIT.awaitComplete(fleet, APP, v2, 2 * PER_REGION, hosts) - healed;

            GlobalRollup last = rollup(fleet);
            PartitionIT.assertAddsUp(last);
            AppRollup a = PartitionIT.app(last, APP);
            assertThat(HaRolloutIT.ready(a, v2)).as("the hub's rollup equals the edges' journals")
                    .isEqualTo(HaRolloutIT.journalsAt(hosts, APP, v2)).isEqualTo(2 * PER_REGION);
            assertThat(a.getCounts().getTargeted()).as("each site counted once").isEqualTo(2 * PER_REGION);
            System.out.printf("HA regions (3 relay servers each), rollout of %d sites in waves 20/50/100%% soaking 15 s each: every leaf link of eu "
                            + "cut for %d s in the 50%% wave: the hub marked eu stale after %d ms and held the wave; after the cut, "
                            + "the leaf links were back in %d ms, eu's rollup at the hub in %d ms, the next wave step in %d ms, "
                            + "rollout complete in %d ms%n", 2 * PER_REGION, CUT.toSeconds(), PartitionIT.ms(staleAt),
                    PartitionIT.ms(linkBack), PartitionIT.ms(fresh), PartitionIT.ms(nextStep), PartitionIT.ms(done));
        }
    }

    static GlobalRollup rollup(FleetHarness fleet) {
        return fleet.fleetService.withDeadlineAfter(10, java.util.concurrent.TimeUnit.SECONDS)
                .getRollup(io.cascade.proto.GetRollupRequest.getDefaultInstance()).getRollup();
    }
}
