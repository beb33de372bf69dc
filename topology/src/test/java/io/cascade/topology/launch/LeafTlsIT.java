package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.fleet.Ports;
import io.cascade.topology.natsconf.FabricConfigs;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's leaf listener speaks TLS only and requires each relay's certificate from the fleet CA:
 * a relay presenting one from another CA is refused even with valid leaf credentials, while the same
 * relay with a certificate from the fleet CA links.
 */
class LeafTlsIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @TempDir
    Path dir;

    NatsServerProcess extraRelay(String name, TrustRoot certificateIssuer) throws Exception {
        TrustRoot fleetTrust = FABRIC.fabric().trust();
        Path d = Files.createDirectories(dir.resolve(name));
        certificateIssuer.issueServerCertificate(List.of("127.0.0.1", "localhost"), d.resolve("leaf.crt"), d.resolve("leaf.key"));
        NatsServerConfig.Tls tls = new NatsServerConfig.Tls(d.resolve("leaf.crt").toString(), d.resolve("leaf.key").toString(),
                fleetTrust.caCertFile().toString());
        var hubPorts = FABRIC.fleet().hub().ports();
        NatsServerConfig config = FabricConfigs.relay(FABRIC.fleet(), FABRIC.fleet().requireRegion("eu"),
                new Ports(FreePorts.next(), 0, FreePorts.next(), 0), "127.0.0.1", d.resolve("jetstream").toString(),
                List.of(FabricConfigs.leafUrl("127.0.0.1", hubPorts.leaf())),
                FabricConfigs.auth(fleetTrust, fleetTrust.operatorJwtFile().toString(), d.resolve("jwt").toString()),
                fleetTrust.issue(new Identity.RelayLeaf("eu")).write(d.resolve("leaf.creds")).toString(),
                fleetTrust.issue(new Identity.RelaySystemLeaf("eu")).write(d.resolve("sysleaf.creds")).toString(), tls);
        return NatsServerProcess.start(config, d, Duration.ofSeconds(20));
    }

    @Test
    void aRelayWithACertificateFromAnotherCaIsRefusedAndOneFromTheFleetCaLinks() throws Exception {
        int before = FABRIC.hub().leafConnections();
        assertThat(before).isEqualTo(2 * LocalFabric.LEAF_LINKS_PER_RELAY);
        try (NatsServerProcess foreign = extraRelay("foreign", TrustRoot.init(dir.resolve("other-trust")))) {
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                    .until(() -> FABRIC.hub().leafConnections() == before && foreign.leafConnections() == 0);
            assertThat(Files.readString(FABRIC.hub().logFile())).containsIgnoringCase("tls");
        }
        try (NatsServerProcess trusted = extraRelay("trusted", FABRIC.fabric().trust())) {
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> trusted.leafConnections() == LocalFabric.LEAF_LINKS_PER_RELAY);
        }
    }
}
