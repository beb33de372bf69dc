package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Providers;
import io.cascade.relay.Relay;
import io.cascade.topology.testing.FabricExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Edges whose sync and status failed while their region's relay service was down (its nats-server up: "no
 * responders") retry as soon as the relay is back, signalled by its first beacon, instead of on their backoff:
 * here the backoff is 40 s and the heartbeat a minute, so only the relay-back signal can bring them in within 20 s.
 * Prints the time from the relay's start to every site counted online at the relay.
 */
class RelayBackIT {

    static final int SITES = 10;
    static final String APP = "back";
    /** Long retries and heartbeats: nothing but the relay-back signal retries within the test's bound. */
    static final EdgeTuning SLOW_RETRIES = new EdgeTuning(Duration.ofSeconds(3), Duration.ofSeconds(3), Duration.ofMinutes(10),
            Duration.ofMinutes(10), Duration.ofSeconds(40), Duration.ofSeconds(60), Duration.ofSeconds(60));

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml("""
            name: back
            regions:
              - name: eu
                generate: {count: %d, prefix: eu-b-, labels: {tier: store}}
            """.formatted(SITES));

    @Test
    void edgesRetryTheirSyncAndStatusAsSoonAsTheRelayIsBackNotOnTheirBackoff() throws Exception {
        try (FleetHarness fleet = FleetHarness.withOwnHosts(FABRIC)) {
            fleet.relays.remove("eu").close(); // the relay service is down; its nats-server is up
            List<EdgeHost> hosts = List.of(fleet.startRegionHost("eu", site -> Providers.fromSpec("sim:seed=1"), SLOW_RETRIES));
            try {
                // every site tried once and failed: its next sync and report are at least 32 s away
                await().atMost(Duration.ofSeconds(20)).until(() -> hosts.get(0).edges().stream()
                        .allMatch(e -> e.syncFailures() > 0 && e.reportFailures() > 0));
                long started = System.nanoTime();
                Relay relay = fleet.startRelay("eu");
                fleet.relays.put("eu", relay);
                // nothing is published: its beacon is not ahead of the sites, so only the relay-back signal makes them retry
                await().atMost(Duration.ofSeconds(20)).until(() -> relay.sites().sitesOnline() == SITES);
                long back = System.nanoTime() - started;
                assertThat(hosts.get(0).edges()).allSatisfy(e -> assertThat(e.syncFailures()).as("no sync failed since").isEqualTo(1));
                long v1 = fleet.publish(Intents.app(APP, "1", Map.of("tier", "store"), List.of()).build()).getIntentRevision();
                await().atMost(Duration.ofSeconds(30)).until(() -> RolloutIT.allRun(hosts, APP, v1));
                System.out.printf("relay service back after %d sites' first sync and status failed (their backoff 40 s, "
                        + "heartbeat 60 s): every site reported and counted online %d ms after the relay started%n", SITES,
                        TimeUnit.NANOSECONDS.toMillis(back));
            } finally {
                hosts.get(0).close();
            }
        }
    }
}
