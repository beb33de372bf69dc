package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeHost;
import io.cascade.proto.AppRollup;
import io.cascade.topology.Subjects;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rollout in regions whose relay is a cluster of 3 nats-servers (its buckets in 3 copies, the relay service and
 * every edge given all 3 URLs) survives kill -9 of the eu relay server that leads the region's status bucket: the
 * rollout completes, every edge converges, the hub's final rollup equals the edges' journals. Prints the time from
 * the kill until eu's rollup reaches the hub again, to the next wave step, and to completion.
 */
class HaRegionRolloutIT {

    static final int PER_REGION = 10;
    static final String APP = "ha-region";

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FleetHarness.twoRegions("har", PER_REGION, "r-")).withHaRegions();

    @Test
    void aRolloutCompletesWhenARelayServerOfTheRegionIsKilled() throws Exception {
        try (FleetHarness fleet = FleetHarness.withOwnHosts(FABRIC)) {
            HaRolloutIT.Rolling rolling = HaRolloutIT.rollToHalf(fleet, APP);
            List<EdgeHost> hosts = rolling.hosts();
            long v2 = rolling.v2();

            NatsServerProcess victim = statusLeader("eu");
            long sequences = euSequence(fleet);
            victim.kill();
            long killed = System.nanoTime();
            long statusFlows = HaRolloutIT.awaitNanos(() -> euSequenceOrZero(fleet) > sequences) - killed;
            long nextStep = HaRolloutIT.awaitPastHalf(fleet, APP) - killed;
            long done = HaRolloutIT.awaitComplete(fleet, APP, v2, 2 * PER_REGION, hosts) - killed;
            AppRollup last = HaRolloutIT.app(fleet, APP);
            assertThat(HaRolloutIT.ready(last, v2)).as("the hub's rollup equals the edges' journals")
                    .isEqualTo(HaRolloutIT.journalsAt(hosts, APP, v2)).isEqualTo(2 * PER_REGION);
            assertThat(last.getCounts().getTargeted()).isEqualTo(2 * PER_REGION);
            System.out.printf("HA regions (3 relay servers each), rollout of %d sites in waves 20/50/100%%: eu's relay server "
                            + "%s (its status bucket's leader) killed -9 in the 50%% wave: eu's rollup at the hub again after %d ms, "
                            + "the next wave step after %d ms, rollout complete %d ms after the kill%n", 2 * PER_REGION,
                    victim.name(), HaRolloutIT.ms(statusFlows), HaRolloutIT.ms(nextStep), HaRolloutIT.ms(done));
        }
    }

    /** The relay server of {@code region} leading its status bucket. */
    static NatsServerProcess statusLeader(String region) throws Exception {
        try (Connection relay = io.nats.client.Nats.connect(io.cascade.topology.client.NatsClients.options("test-" + region,
                FABRIC.fabric().relayUrls(region), FABRIC.fabric().credentials(new io.cascade.topology.trust.Identity.RelayService(region)))
                .build())) {
            String leader = relay.jetStreamManagement().getStreamInfo("KV_" + Subjects.KV_STATUS).getClusterInfo().getLeader();
            return FABRIC.fabric().relayNodes(region).stream().filter(n -> n.name().equals(leader)).findFirst().orElseThrow();
        }
    }

    static long euSequence(FleetHarness fleet) {
        return fleet.fleetService.withDeadlineAfter(5, java.util.concurrent.TimeUnit.SECONDS)
                .getRollup(io.cascade.proto.GetRollupRequest.getDefaultInstance()).getRollup().getRegionsList().stream()
                .filter(r -> r.getRegion().equals("eu")).mapToLong(io.cascade.proto.RegionHealth::getSequence).sum();
    }

    static long euSequenceOrZero(FleetHarness fleet) {
        try {
            return euSequence(fleet);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
