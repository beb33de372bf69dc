package io.cascade.topology.natsconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.Ports;
import io.cascade.topology.testing.TestTrust;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatsServerConfigTest {

    final Fleet fleet = Fleets.demo();

    @Test
    void hubHasDomainCoreOwnStoreAndExplicitLeafAdvertise() {
        String conf = FabricConfigs.hub(fleet, new Ports(4222, 7422, 8222, 7443), "0.0.0.0",
                "/data/hub/jetstream", "hub.cascade.svc:7422", TestTrust.auth("/data/hub/jwt"), TestTrust.RENDER_TLS).render();

        assertThat(conf)
                .contains("server_name: \"demo-hub\"")
                .contains("listen: \"0.0.0.0:4222\"")
                .contains("http: \"0.0.0.0:8222\"")
                .contains("domain: \"core\"")
                .contains("store_dir: \"/data/hub/jetstream\"")
                .contains("listen: \"0.0.0.0:7422\"")
                .contains("advertise: \"hub.cascade.svc:7422\"")
                .contains("  tls {\n    cert_file: \"/etc/tls/leaf.crt\"", "    verify: true")
                .contains("max_payload: 8388608")
                .doesNotContain("remotes");
    }

    @Test
    void everyServerRunsInOperatorModeWithTheAccountsPreloaded() {
        String conf = FabricConfigs.hub(fleet, new Ports(4222, 7422, 8222, 7443), "0.0.0.0",
                "/data/hub/jetstream", "hub.cascade.svc:7422", TestTrust.auth("/data/hub/jwt"), TestTrust.RENDER_TLS).render();

        assertThat(conf)
                .contains("operator: \"" + TestTrust.shared().operatorJwtFile() + "\"")
                .contains("system_account: \"" + TestTrust.shared().systemAccountPublicKey() + "\"")
                .contains("type: full")
                .contains("dir: \"/data/hub/jwt\"")
                .contains(TestTrust.shared().accountPublicKey() + ": \"" + TestTrust.shared().accountJwt() + "\"")
                .contains(TestTrust.shared().systemAccountPublicKey() + ": \"");
    }

    @Test
    void relayHasRegionDomainAndLeafRemoteToTheHub() {
        String conf = FabricConfigs.relay(fleet, fleet.requireRegion("eu"), new Ports(5222, 6422, 9222, 0),
                "127.0.0.1", "/data/eu", List.of(FabricConfigs.leafUrl("hub.example", 7422)), TestTrust.auth("/data/eu/jwt"),
                "/etc/leaf.creds", "/etc/sysleaf.creds", TestTrust.RENDER_TLS).render();

        assertThat(conf)
                .contains("server_name: \"demo-relay-eu\"")
                .contains("domain: \"region-eu\"")
                .contains("store_dir: \"/data/eu\"")
                .contains("urls: [\"nats-leaf://hub.example:7422\"]")
                .contains("listen: \"127.0.0.1:6422\"")
                .contains("credentials: \"/etc/leaf.creds\"\n      account: \"" + TestTrust.shared().accountPublicKey() + "\"")
                .contains("credentials: \"/etc/sysleaf.creds\"\n      account: \"" + TestTrust.shared().systemAccountPublicKey() + "\"")
                .contains("      tls {\n        cert_file: \"/etc/tls/leaf.crt\"");
    }

    @Test
    void refusesValuesThatWouldBreakTheSyntax() {
        assertThatThrownBy(() -> FabricConfigs.hub(fleet, new Ports(1, 2, 3, 4), "127.0.0.1",
                "/tmp/\"evil", "h:1", TestTrust.auth("/tmp/jwt"), TestTrust.RENDER_TLS).render())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("cannot be rendered");
        assertThatThrownBy(() -> FabricConfigs.hub(fleet, Ports.ANY, "127.0.0.1", "/tmp", "h:1", TestTrust.auth("/tmp/jwt"),
                TestTrust.RENDER_TLS))
                .hasMessageContaining("client and monitor ports must be set");
    }
}
