package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.launch.TierProcess;
import io.cascade.edge.EdgeHost;
import io.cascade.proto.AppRollup;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.Lease;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A region of 3 relay servers served by two relay services, each a {@code cascade relay} child process (issue 28,
 * item 5): kill -9 of the one that sends eu's rollup, in the 50 % wave of a rollout. The other takes over the rollup
 * lease; the sites' reports, which the two shared, all go to it; the rollout completes, every edge converges, and the
 * hub's final rollup equals the edges' journals with each site counted once. Prints the time from the kill to the
 * new rollup sender, to eu's rollup at the hub again, to the next wave step, and to completion.
 */
class HaRelayServiceKillIT {

    static final int PER_REGION = 20;
    static final String APP = "ha-relay-service";
    static final String FLEET = FleetHarness.twoRegions("ha-relay", PER_REGION, "rs-");

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FLEET).withHaRegions();

    @Test
    void aRolloutCompletesWhenTheRelayServiceSendingTheRollupIsKilled() throws Exception {
        Path dir = FABRIC.newDir("relay-services");
        Path fleetFile = Files.writeString(dir.resolve("fleet.yaml"), FLEET);
        Path creds = FABRIC.credentials(new Identity.RelayService("eu")).write(dir.resolve("relay-eu.creds"));
        List<String> args = List.of("relay", "--region", "eu", "--nats", FABRIC.fabric().relayUrls("eu"), "--replicas", "3",
                "--creds", creds.toString(), "--fleet", fleetFile.toString());
        try (TierProcess a = TierProcess.start("relay-eu-a", dir.resolve("logs"), io.cascade.cli.Cascade.class.getName(), args);
                TierProcess b = TierProcess.start("relay-eu-b", dir.resolve("logs"), io.cascade.cli.Cascade.class.getName(), args);
                Connection eu = Nats.connect(NatsClients.options("test-eu", FABRIC.fabric().relayUrls("eu"),
                        FABRIC.fabric().credentials(new Identity.RelayService("eu"))).build());
                FleetHarness fleet = FleetHarness.withRelaysOutside(FABRIC, "eu")) {
            // both services are up (each logged its start) before one is killed
            try {
                await().atMost(Duration.ofSeconds(90)).until(() -> started(a) && started(b));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("a relay service did not start:\n" + report(a) + report(b), e);
            }
            long senderPid = await().atMost(Duration.ofSeconds(60)).until(() -> rollupSenderOrZero(eu), pid -> pid > 0);
            TierProcess sender = senderPid == a.pid() ? a : b;
            TierProcess other = sender == a ? b : a;
            assertThat(senderPid).as("the lease names one of the two relay services").isEqualTo(sender.pid());

            HaRolloutIT.Rolling rolling = HaRolloutIT.rollToHalf(fleet, APP);
            List<EdgeHost> hosts = rolling.hosts();
            long v2 = rolling.v2();
            long sequences = HaRegionRolloutIT.euSequence(fleet);

            sender.kill();
            long killed = System.nanoTime();
            long takeover;
            try {
                takeover = HaRolloutIT.awaitNanos(() -> rollupSenderOrZero(eu) == other.pid()) - killed;
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("the surviving relay service did not take the rollup lease:\n" + report(other), e);
            }
            long rollupBack = HaRolloutIT.awaitNanos(() -> HaRegionRolloutIT.euSequenceOrZero(fleet) > sequences) - killed;
            long nextStep = HaRolloutIT.awaitPastHalf(fleet, APP) - killed;
            long done = HaRolloutIT.awaitComplete(fleet, APP, v2, 2 * PER_REGION, hosts) - killed;

            AppRollup last = HaRolloutIT.app(fleet, APP);
            assertThat(HaRolloutIT.ready(last, v2)).as("the hub's rollup equals the edges' journals")
                    .isEqualTo(HaRolloutIT.journalsAt(hosts, APP, v2)).isEqualTo(2 * PER_REGION);
            assertThat(last.getCounts().getTargeted()).as("each site counted once").isEqualTo(2 * PER_REGION);
            assertThat(other.isAlive()).as("the surviving relay service").isTrue();
            System.out.printf("HA region eu (3 relay servers, 2 relay services as child processes), rollout of %d sites in waves "
                            + "20/50/100%%: the service sending eu's rollup killed -9 in the 50%% wave: the other held the rollup lease "
                            + "after %d ms, eu's rollup at the hub again after %d ms, the next wave step after %d ms, rollout complete "
                            + "%d ms after the kill%n", 2 * PER_REGION, HaRolloutIT.ms(takeover), HaRolloutIT.ms(rollupBack),
                    HaRolloutIT.ms(nextStep), HaRolloutIT.ms(done));
        }
    }

    static boolean started(TierProcess relay) {
        return relay.logTail(200).contains("relay of region eu running");
    }

    static String report(TierProcess relay) {
        return relay.name() + " (pid " + relay.pid() + ", alive " + relay.isAlive() + ") log ends with:\n" + relay.logTail(40) + "\n";
    }

    /** The pid in region eu's rollup lease ({@code host/pid/random}); 0 while none holds it. */
    static long rollupSenderOrZero(Connection eu) {
        try {
            return Lease.holderPid(eu.keyValue(Subjects.KV_LEASES), Lease.ROLLUP_PUBLISHER).orElse(0);
        } catch (Exception e) {
            return 0;
        }
    }
}
