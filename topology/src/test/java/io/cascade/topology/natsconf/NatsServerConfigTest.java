package io.cascade.topology.natsconf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.Ports;
import io.cascade.topology.testing.TestTrust;
import java.util.List;
import java.util.Optional;
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
                .contains("ping_interval: \"2s\"\nping_max: 2\n")
                .doesNotContain("remotes");
    }

    @Test
    void aHubNodeRoutesToEveryNodeWithTlsAndThePasswordAndIsNamedApart() {
        NatsServerConfig node = FabricConfigs.hubNode(fleet, 2, new Ports(4222, 7422, 8222, 7443), 6222,
                List.of("hub-1:6222", "hub-2:6222", "hub-3:6222"), "0.0.0.0", "/data/hub/jetstream", "hub.cascade.svc:7422",
                Optional.of(TestTrust.auth("/data/hub/jwt")), Optional.of(TestTrust.RENDER_TLS), "Rk2pQ8vX0aLm3nB7cD9e");
        String conf = node.render();

        assertThat(conf)
                .contains("server_name: \"demo-hub-2\"")
                .contains("cluster {\n  name: \"demo-hub\"\n  listen: \"0.0.0.0:6222\"\n")
                .contains("  routes: [\"nats-route://route:Rk2pQ8vX0aLm3nB7cD9e@hub-1:6222\", "
                        + "\"nats-route://route:Rk2pQ8vX0aLm3nB7cD9e@hub-2:6222\", \"nats-route://route:Rk2pQ8vX0aLm3nB7cD9e@hub-3:6222\"]")
                .contains("  authorization {\n    user: \"route\"\n    password: \"Rk2pQ8vX0aLm3nB7cD9e\"\n")
                .contains("domain: \"core\"");
        String cluster = conf.substring(conf.indexOf("cluster {"));
        assertThat(cluster).contains("  tls {\n    cert_file: \"/etc/tls/leaf.crt\"", "    verify: true");
        assertThat(node.toString()).doesNotContain("Rk2pQ8vX0aLm3nB7cD9e");
        assertThatThrownBy(() -> new NatsServerConfig.Cluster("c", 6222, List.of("a:1", "b:1"), "route", "Rk2pQ8vX0aLm3nB7cD9e",
                Optional.empty())).hasMessageContaining("at least 3 nodes");
        assertThatThrownBy(() -> new NatsServerConfig.Cluster("c", 6222, List.of("a:1", "b:1", "c:1"), "route", "short",
                Optional.empty())).hasMessageContaining("letters and digits");
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
    void withoutProtectionsARelayHasOneAnonymousPlainLeafLinkAndNoOperator() {
        String conf = FabricConfigs.relay(fleet, fleet.requireRegion("eu"), new Ports(5222, 6422, 9222, 0),
                "127.0.0.1", "/data/eu", List.of(FabricConfigs.leafUrl("hub.example", 7422)), Optional.empty(),
                List.of(), Optional.empty()).render();
        String hub = FabricConfigs.hub(fleet, new Ports(4222, 7422, 8222, 7443), "0.0.0.0", "/data/hub",
                "hub.example:7422", Optional.empty(), Optional.empty()).render();

        assertThat(conf).contains("    {\n      urls: [\"nats-leaf://hub.example:7422\"]\n    }\n")
                .doesNotContain("credentials", "tls", "operator", "resolver");
        assertThat(hub).doesNotContain("tls", "operator", "resolver", "verify");
        assertThat(FabricConfigs.relay(fleet, fleet.requireRegion("eu"), new Ports(5222, 6422, 9222, 0), "127.0.0.1",
                "/data/eu", List.of(FabricConfigs.leafUrl("hub.example", 7422)), Optional.empty(), List.of(),
                Optional.empty()).clientTls()).isFalse();
    }

    @Test
    void authWithoutTlsRendersTheLoginsButNoTlsBlock() {
        var auth = TestTrust.auth("/data/eu/jwt");
        String conf = FabricConfigs.relay(fleet, fleet.requireRegion("eu"), new Ports(5222, 6422, 9222, 0),
                "127.0.0.1", "/data/eu", List.of(FabricConfigs.leafUrl("hub.example", 7422)), Optional.of(auth),
                List.of(new NatsServerConfig.LeafLogin("/etc/leaf.creds", auth.fleetAccount()),
                        new NatsServerConfig.LeafLogin("/etc/sysleaf.creds", auth.systemAccount())), Optional.empty()).render();

        assertThat(conf).contains("credentials: \"/etc/leaf.creds\"", "credentials: \"/etc/sysleaf.creds\"", "operator: ")
                .doesNotContain("tls");
    }

    @Test
    void aRelayInOperatorModeMustLogInAtTheHubAndOneWithoutMustNot() {
        var auth = TestTrust.auth("/data/eu/jwt");
        List<java.net.URI> hub = List.of(FabricConfigs.leafUrl("hub.example", 7422));
        assertThatThrownBy(() -> FabricConfigs.relay(fleet, fleet.requireRegion("eu"), new Ports(5222, 6422, 9222, 0),
                "127.0.0.1", "/data/eu", hub, Optional.of(auth), List.of(), Optional.empty()))
                .hasMessageContaining("give their credentials");
        assertThatThrownBy(() -> FabricConfigs.relay(fleet, fleet.requireRegion("eu"), new Ports(5222, 6422, 9222, 0),
                "127.0.0.1", "/data/eu", hub, Optional.empty(),
                List.of(new NatsServerConfig.LeafLogin("/etc/leaf.creds", auth.fleetAccount())), Optional.empty()))
                .hasMessageContaining("need operator mode");
    }

    @Test
    void tlsWithoutAuthIsNotAMode() {
        assertThatThrownBy(() -> new Protection(false, true)).hasMessageContaining("--auth on with --tls on");
        assertThat(Protection.NONE).hasToString("auth off, TLS off");
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
