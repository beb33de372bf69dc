package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.client.NatsClients;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HA hub on real nats-servers: three nodes form a JetStream cluster in operator mode with authenticated
 * routes, the relays' leaf links reach it, a bucket keeps 3 replicas, and killing the JetStream meta leader
 * (-9) loses nothing: the survivors elect a new one, writes go on, the relays' links fail over to them, and
 * the node rejoins when restarted. Prints how long each took.
 */
class HaHubIT {

    @TempDir
    Path dir;

    @Test
    void killingTheMetaLeaderLosesNoWriteAndTheLinksFailOver() throws Exception {
        try (LocalFabric fabric = LocalFabric.startHa(Fleets.demo(), dir, 3);
             Connection hub = Nats.connect(NatsClients.options("test-ha", fabric.hubUrls(),
                     fabric.credentials(new Identity.HubService())).build())) {
            assertThat(fabric.hubs()).hasSize(3);
            assertThat(Files.readString(dir.resolve("hub-2/nats.conf"))).contains("cluster {", "authorization {", "verify: true");
            assertThat(Files.getPosixFilePermissions(dir.resolve("hub-2/nats.conf")))
                    .as("holds the route password").isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(fabric.hubLeafConnections()).isEqualTo(2 * LocalFabric.LEAF_LINKS_PER_RELAY);

            io.cascade.topology.client.Buckets.create(hub.keyValueManagement(), KeyValueConfiguration.builder().name(io.cascade.topology.Subjects.KV_INTENTS).replicas(3)
                    .storageType(StorageType.File).build());
            KeyValue kv = hub.keyValue(io.cascade.topology.Subjects.KV_INTENTS);
            for (int i = 0; i < 20; i++) {
                kv.put("k" + i, ("v" + i).getBytes(StandardCharsets.UTF_8));
            }
            assertThat(hub.keyValueManagement().getStatus(io.cascade.topology.Subjects.KV_INTENTS).getReplicas()).isEqualTo(3);

            NatsServerProcess victim = fabric.killMetaLeader(Duration.ofSeconds(10));
            long killed = System.nanoTime();
            String leader = victim.name();

            // writes resume: a 3-replica put until one is taken (a put the store does not answer fails, and is tried again)
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .ignoreExceptionsMatching(e -> e instanceof java.io.IOException || e instanceof io.nats.client.JetStreamApiException)
                    .until(() -> kv.put("after", "after the kill".getBytes(StandardCharsets.UTF_8)) > 0);
            long written = System.nanoTime() - killed;
            String successor = fabric.awaitMetaLeader(Duration.ofSeconds(30));
            long elected = System.nanoTime() - killed;
            fabric.awaitLeafLinks(Duration.ofSeconds(30));
            long relinked = System.nanoTime() - killed;

            assertThat(successor).isNotEqualTo(leader);
            for (int i = 0; i < 20; i++) {
                assertThat(new String(kv.get("k" + i).getValue(), StandardCharsets.UTF_8)).as("written before the kill").isEqualTo("v" + i);
            }
            assertThat(fabric.hubLeafConnections()).as("every relay's links on the survivors")
                    .isEqualTo(2 * LocalFabric.LEAF_LINKS_PER_RELAY);

            victim.rejoin(Duration.ofSeconds(30)); // not restart: /healthz may report a stream not current for minutes
            fabric.awaitMetaLeader(Duration.ofSeconds(30));
            long back = System.nanoTime() - killed;
            System.out.printf("HA hub, meta leader %s killed -9: a 3-replica KV write after %d ms, new meta leader %s after %d ms, "
                            + "relays' leaf links on the survivors after %d ms, %s back in the cluster after %d ms%n", leader,
                    ms(written), successor, ms(elected), ms(relinked), leader, ms(back));
        }
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
