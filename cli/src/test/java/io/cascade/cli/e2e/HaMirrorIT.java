package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.Subjects;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.MirrorInfo;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Desired state reaches the regions after the HA hub's node leading the desired stream is killed -9: the relays' mirrors of
 * the hub's {@code desired} bucket pick up a change published after the kill. Prints, per region, the time from the
 * first publish the hub accepted after the kill to the relay's mirror holding it, and the mirror's state meanwhile.
 */
class HaMirrorIT {

    static final String APP = "mirrored";

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FleetHarness.twoRegions("ha-mirror", 2, "m-")).withHaHub();

    @Test
    void aChangePublishedAfterTheDesiredStreamsLeaderIsKilledReachesEveryRelaysMirror() throws Exception {
        try (FleetHarness fleet = FleetHarness.withOwnHosts(FABRIC);
                Connection eu = FABRIC.connectRelay("eu");
                Connection us = FABRIC.connectRelay("us")) {
            Map<String, Connection> relays = new LinkedHashMap<>(Map.of("eu", eu, "us", us));
            long v1 = fleet.publish(Intents.app(APP, "1", Map.of("tier", "store"), List.of()).build()).getIntentRevision();
            await().atMost(Duration.ofSeconds(30)).until(() -> relays.keySet().stream().allMatch(r -> mirrored(relays.get(r), r) >= v1));

            NatsServerProcess victim = desiredLeader(fleet);
            victim.kill();
            long killed = System.nanoTime();
            AfterTheKill probe = new AfterTheKill(fleet, relays, killed);
            await().atMost(Duration.ofSeconds(120)).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(500)).until(probe::step);
            long acceptedAt = probe.acceptedAt;
            Map<String, Long> arrived = probe.arrived;
            System.out.printf("HA hub, the desired stream's leader %s killed -9: the hub accepted a publish %d ms after the kill; it reached the "
                    + "relays' mirrors after %s ms%n", victim.name(), HaRolloutIT.ms(acceptedAt - killed), arrived.entrySet().stream()
                    .map(e -> e.getKey() + " " + HaRolloutIT.ms(e.getValue())).toList());
            assertThat(arrived).as("every region's mirror has the change published after the kill").containsOnlyKeys("eu", "us");
        }
    }

    /**
     * Every half second after the kill: publishes a new version until the hub accepts one, then waits for each relay's
     * mirror to hold it, printing the mirrors' state every ~2 s.
     */
    static final class AfterTheKill {
        private final FleetHarness fleet;
        private final Map<String, Connection> relays;
        private final long killed;
        private long accepted;
        long acceptedAt;
        final Map<String, Long> arrived = new LinkedHashMap<>();
        private int version = 2;
        private int tick;

        AfterTheKill(FleetHarness fleet, Map<String, Connection> relays, long killed) {
            this.fleet = fleet;
            this.relays = relays;
            this.killed = killed;
        }

        /** One round; true once every mirror holds the accepted version. */
        boolean step() {
            if (accepted == 0) {
                try {
                    accepted = fleet.publish(Intents.app(APP, String.valueOf(version++), Map.of("tier", "store"), List.of())
                            .build()).getIntentRevision();
                    acceptedAt = System.nanoTime();
                    System.out.printf("+%d ms: the hub accepted intent revision %d%n", HaRolloutIT.ms(acceptedAt - killed), accepted);
                } catch (RuntimeException e) {
                    System.out.printf("+%d ms: publish refused: %s%n", HaRolloutIT.ms(System.nanoTime() - killed),
                            e.getMessage().split(";")[0]);
                }
            }
            for (String region : relays.keySet()) {
                if (accepted > 0 && !arrived.containsKey(region) && mirrored(relays.get(region), region) >= accepted) {
                    arrived.put(region, System.nanoTime() - acceptedAt);
                }
                if (version % 4 == 0 || accepted > 0 && tick % 4 == 0) { // the mirror's state every ~2 s
                    System.out.printf("+%d ms: %s mirror %s%n", HaRolloutIT.ms(System.nanoTime() - killed), region,
                            mirrorState(relays.get(region)));
                }
            }
            tick++;
            return arrived.size() == relays.size();
        }
    }

    /** The hub node leading the hub's desired stream: the relays' mirror consumers live there. */
    static NatsServerProcess desiredLeader(FleetHarness fleet) throws Exception {
        try (Connection hub = FABRIC.connectHub()) {
            String leader = hub.jetStreamManagement().getStreamInfo("KV_" + Subjects.KV_DESIRED).getClusterInfo().getLeader();
            return FABRIC.fabric().hubs().stream().filter(n -> n.name().equals(leader)).findFirst().orElseThrow();
        }
    }

    /** The intent revision of the app's doc in the region's mirror (the relay's own JetStream), 0 if absent. */
    static long mirrored(Connection relay, String region) {
        try {
            KeyValue kv = relay.keyValue(Subjects.KV_DESIRED);
            KeyValueEntry e = kv.get(Subjects.desiredAppKey(region, APP));
            return e == null ? 0 : io.cascade.proto.DesiredDoc.parseFrom(e.getValue()).getIntentRevision();
        } catch (Exception e) {
            return 0;
        }
    }

    static String mirrorState(Connection relay) {
        try {
            StreamInfo si = relay.jetStreamManagement().getStreamInfo("KV_" + Subjects.KV_DESIRED);
            MirrorInfo m = si.getMirrorInfo();
            return "last seq " + si.getStreamState().getLastSequence() + (m == null ? " (no mirror info)"
                    : ", lag " + m.getLag() + ", active " + m.getActive().toMillis() + " ms ago" + (m.getError() == null ? "" : ", error " + m.getError()));
        } catch (Exception e) {
            return "unreadable: " + e;
        }
    }
}
