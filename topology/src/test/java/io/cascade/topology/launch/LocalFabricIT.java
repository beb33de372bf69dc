package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.fleet.Fleets;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFabricIT {

    @TempDir
    Path dir;

    @Test
    void startsEveryServerInItsOwnDirAndStopsThemAll() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (LocalFabric fabric = LocalFabric.start(Fleets.demo(), dir)) {
            assertThat(fabric.hub().leafConnections()).isEqualTo(2);
            pids.add(fabric.hub().pid());
            fabric.relays().values().forEach(r -> pids.add(r.pid()));
            assertThat(dir.resolve("hub/nats.conf")).exists();
            assertThat(dir.resolve("relay-eu/jetstream")).isDirectory();
            assertThat(dir.resolve("relay-us/nats.log")).exists();
        }
        assertThat(pids).hasSize(3).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
    }

    @Test
    void aKilledRelayRestartsOnItsStoreAndRelinks() throws Exception {
        try (LocalFabric fabric = LocalFabric.start(Fleets.demo(), dir)) {
            NatsServerProcess eu = fabric.relay("eu");
            eu.kill();
            assertThat(eu.isAlive()).isFalse();
            eu.restart(Duration.ofSeconds(20));
            fabric.awaitLeafLinks(Duration.ofSeconds(30));
            assertThat(fabric.hub().leafConnections()).isEqualTo(2);
            assertThat(eu.monitor("/varz").path("server_name").asText()).isEqualTo("demo-relay-eu");
        }
    }

    @Test
    void aFailedStartStopsWhatItHadStarted() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Fleet fleet = FleetFile.parse("""
                    regions:
                      - name: eu
                        ports: {client: %d}
                    """.formatted(taken.getLocalPort()), "clash.yaml");
            long before = natsChildren();
            assertThatThrownBy(() -> LocalFabric.start(fleet, dir))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("demo-relay-eu");
            assertThat(natsChildren()).isEqualTo(before);
            assertThat(Files.readString(dir.resolve("relay-eu/nats.log"))).contains("address already in use");
        }
    }

    private static long natsChildren() {
        return ProcessHandle.current().children()
                .filter(p -> p.isAlive() && p.info().command().orElse("").endsWith("nats-server"))
                .count();
    }
}
