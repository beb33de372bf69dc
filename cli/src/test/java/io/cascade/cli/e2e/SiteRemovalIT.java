package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeNode;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.launch.CommandMain;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code cascade sites remove} on a real fleet: the removed site is cut off at its relay within
 * seconds, cannot come back, is gone from the drill-down, the rollup and the hub's site set, and
 * stays refused after its relay's and the hub's nats-servers restart. Other sites are untouched.
 */
class SiteRemovalIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static final String GONE = "store-eu-0001";
    static final String KEPT = "store-eu-0002";

    @Test
    void aRemovedSiteIsOutWithinSecondsEverywhereAndStaysOut() throws Exception {
        try (FleetHarness fleet = new FleetHarness(FABRIC, site -> io.cascade.edge.provider.Providers.fromSpec("sim:seed=1"))) {
            EdgeNode gone = fleet.startEdge(GONE);
            EdgeNode kept = fleet.startEdge(KEPT);
            await().atMost(Duration.ofSeconds(30)).until(() -> online(fleet, "eu") == 2
                    && listed(fleet).contains(GONE) && listed(fleet).contains(KEPT));
            // a second connection with the site's own credentials, the way a stolen device would hold one
            UserCredentials stolen = FABRIC.credentials(new Identity.Site("eu", GONE));
            Connection held = connect(FABRIC.relay("eu"), stolen);

            long t0 = System.nanoTime();
            FleetHarness.Run r = fleet.cascade("sites", "remove", GONE, "--reason", "device stolen",
                    "--servers", FABRIC.hub().clientUrl(), "--trust-dir", FABRIC.fabric().trust().dir().toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("revoked", "applied", "hub: site " + GONE + " (region eu) removed from the site set",
                    "relay eu: forgot the site");
            await().atMost(Duration.ofSeconds(5)).until(() -> held.getStatus() != Connection.Status.CONNECTED
                    && gone.connection().getStatus() != Connection.Status.CONNECTED);
            System.out.printf("removed site's connections closed %.0f ms after `cascade sites remove` began%n",
                    (System.nanoTime() - t0) / 1e6);
            held.close();
            assertThatThrownBy(() -> refusedConnect(FABRIC.relay("eu"), stolen)).hasMessageContaining("Authorization Violation");

            await().atMost(Duration.ofSeconds(15)).until(() -> online(fleet, "eu") == 1 && offline(fleet, "eu") == 0);
            assertThat(listed(fleet)).doesNotContain(GONE).contains(KEPT);
            assertThat(kept.connection().getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(fleet.hub.sites().get(GONE)).isEmpty();
            assertThat(fleet.hub.sites().removal(GONE)).hasValueSatisfying(x -> assertThat(x.getReason()).isEqualTo("device stolen"));

            FleetHarness.Run again = fleet.cascade("sites", "remove", GONE,
                    "--servers", FABRIC.hub().clientUrl(), "--trust-dir", FABRIC.fabric().trust().dir().toString());
            assertThat(again.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
            assertThat(again.err()).contains("the fleet has no site \"" + GONE + "\" (it was removed before)");

            for (NatsServerProcess server : List.of(FABRIC.relay("eu"), FABRIC.hub())) {
                server.kill();
                server.restart(Duration.ofSeconds(20));
            }
            FABRIC.fabric().awaitLeafLinks(Duration.ofSeconds(30));
            for (NatsServerProcess server : List.of(FABRIC.relay("eu"), FABRIC.hub())) {
                assertThatThrownBy(() -> refusedConnect(server, stolen)).as(server.name() + " after a restart")
                        .hasMessageContaining("Authorization Violation");
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> kept.connection().getStatus() == Connection.Status.CONNECTED);
        }
    }

    static Connection connect(NatsServerProcess server, UserCredentials creds) throws Exception {
        return Nats.connect(NatsClients.options("stolen-" + creds.name(), server.clientUrl(), creds).maxReconnects(0).build());
    }

    /** A connect the server must refuse, waiting {@link FabricExtension#REFUSAL_WAIT} at most. */
    static Connection refusedConnect(NatsServerProcess server, UserCredentials creds) throws Exception {
        return Nats.connect(NatsClients.options("refused-" + creds.name(), server.clientUrl(), creds).maxReconnects(0)
                .connectionTimeout(FabricExtension.REFUSAL_WAIT).build());
    }

    static RegionHealth region(FleetHarness fleet, String region) {
        GlobalRollup g = fleet.fleetService.withDeadlineAfter(10, TimeUnit.SECONDS)
                .getRollup(GetRollupRequest.getDefaultInstance()).getRollup();
        return g.getRegionsList().stream().filter(h -> h.getRegion().equals(region)).findFirst()
                .orElse(RegionHealth.getDefaultInstance());
    }

    static int online(FleetHarness fleet, String region) {
        return region(fleet, region).getSitesOnline();
    }

    static int offline(FleetHarness fleet, String region) {
        return region(fleet, region).getSitesOffline();
    }

    static String listed(FleetHarness fleet) {
        FleetHarness.Run r = fleet.cascade("sites", "--region", "eu");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

}
