package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.fleet.Fleets;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFabricIT {

    @TempDir
    Path dir;

    @Test
    void startsEveryServerInItsOwnDirAndStopsThemAll() throws Exception {
        List<Long> pids = new ArrayList<>();
        try (LocalFabric fabric = LocalFabric.start(Fleets.demo(), dir)) {
            assertThat(fabric.hub().leafConnections()).isEqualTo(2 * LocalFabric.LEAF_LINKS_PER_RELAY);
            pids.add(fabric.hub().pid());
            fabric.relays().values().forEach(r -> pids.add(r.pid()));
            assertThat(dir.resolve("hub/nats.conf")).exists();
            assertThat(dir.resolve("relay-eu/jetstream")).isDirectory();
            assertThat(dir.resolve("relay-us/nats.log")).exists();
        }
        assertThat(pids).hasSize(3).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isEmpty());
    }

    @Test
    void aJvmTerminatedBeforeClosingItsFabricTakesTheServersWithIt() throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                FabricHolder.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<Long> pids = new ArrayList<>();
        List<Long> survivors;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream()))) {
            String line;
            do {
                line = out.readLine(); // the holder's log lines come first
            } while (line != null && !line.startsWith("pids "));
            assertThat(line).as("the holder printed its servers' pids").isNotNull();
            for (String pid : line.substring("pids ".length()).split(" ")) {
                pids.add(Long.parseLong(pid));
            }
            assertThat(pids).hasSize(3).allSatisfy(pid -> assertThat(ProcessHandle.of(pid)).isPresent());

            holder.destroy(); // SIGTERM, as Ctrl-C or a CI timeout would
            assertThat(holder.waitFor(30, TimeUnit.SECONDS)).isTrue();
            survivors = pids.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
        } finally {
            holder.destroyForcibly();
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
        // the shutdown hook stopped them before the JVM exited; without it they are left to init
        assertThat(survivors).isEmpty();
    }

    @Test
    void aKilledRelayRestartsOnItsStoreAndRelinks() throws Exception {
        try (LocalFabric fabric = LocalFabric.start(Fleets.demo(), dir)) {
            NatsServerProcess eu = fabric.relay("eu");
            eu.kill();
            assertThat(eu.isAlive()).isFalse();
            eu.restart(Duration.ofSeconds(20));
            fabric.awaitLeafLinks(Duration.ofSeconds(30));
            assertThat(fabric.hub().leafConnections()).isEqualTo(2 * LocalFabric.LEAF_LINKS_PER_RELAY);
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
