package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.Mirror;
import io.nats.client.api.StorageType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A region whose relay is a cluster of 3 nats-servers (issue 28's chosen design), real: the nodes form a JetStream
 * cluster in the region's domain with authenticated routes, each node has its own leaf links to the hub, the region's
 * mirror of the hub's desired bucket keeps 3 copies, and killing -9 the node that leads the mirror loses nothing: a
 * change published at the hub afterwards reaches the mirror through the survivors, and a client given every node's
 * URL reads it. Prints how long that took.
 */
class HaRegionIT {

    @TempDir
    Path dir;

    @Test
    void aRegionOfThreeRelayServersKeepsItsMirrorWhenOneIsKilled() throws Exception {
        try (LocalFabric fabric = LocalFabric.startHa(Fleets.demo(), dir, 1, 3);
             Connection hub = Nats.connect(NatsClients.options("test-hub", fabric.hubUrls(),
                     fabric.credentials(new Identity.HubService())).build());
             Connection relay = Nats.connect(NatsClients.options("test-relay-eu", fabric.relayUrls("eu"),
                     fabric.credentials(new Identity.RelayService("eu"))).build())) {
            assertThat(fabric.relayNodes("eu")).hasSize(3);
            assertThat(fabric.relay("eu")).isSameAs(fabric.relayNodes("eu").getFirst());
            assertThat(Files.readString(dir.resolve("relay-eu-2/nats.conf"))).contains("cluster {", "authorization {", "verify: true");
            int regions = fabric.fleet().regions().size();
            assertThat(fabric.hubLeafConnections()).as("every relay node links to the hub")
                    .isEqualTo(3 * regions * LocalFabric.LEAF_LINKS_PER_RELAY);

            hub.keyValueManagement().create(KeyValueConfiguration.builder().name(Subjects.KV_DESIRED).maxHistoryPerKey(1)
                    .storageType(StorageType.File).build());
            KeyValue hubDesired = hub.keyValue(Subjects.KV_DESIRED);
            hubDesired.put(Subjects.desiredAppKey("eu", "web"), "v1".getBytes(StandardCharsets.UTF_8));
            io.cascade.topology.client.Buckets.create(relay.keyValueManagement(), KeyValueConfiguration.builder().name(Subjects.KV_DESIRED).maxHistoryPerKey(1)
                    .storageType(StorageType.File).replicas(3)
                    .mirror(Mirror.builder().sourceName(Subjects.KV_DESIRED).domain(Subjects.HUB_DOMAIN)
                            .filterSubject(Subjects.desiredRegionFilter("eu")).build())
                    .build());
            KeyValue mirror = relay.keyValue(Subjects.KV_DESIRED);
            await().atMost(Duration.ofSeconds(30)).until(() -> value(mirror, "eu", "web").equals("v1"));
            assertThat(relay.keyValueManagement().getStatus(Subjects.KV_DESIRED).getReplicas()).isEqualTo(3);

            String leaderName = relay.jetStreamManagement().getStreamInfo("KV_" + Subjects.KV_DESIRED).getClusterInfo().getLeader();
            NatsServerProcess leader = fabric.relayNodes("eu").stream().filter(n -> n.name().equals(leaderName)).findFirst()
                    .orElseThrow();
            leader.kill();
            long killed = System.nanoTime();
            hubDesired.put(Subjects.desiredAppKey("eu", "web"), "v2".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> value(relay.keyValue(Subjects.KV_DESIRED), "eu", "web").equals("v2"));
            long mirrored = System.nanoTime() - killed;
            assertThat(relay.getConnectedUrl()).as("the client failed over to a survivor").doesNotContain(":" + leader.config().clientPort());
            System.out.printf("HA region: relay node %s (the mirror's leader) killed -9; a change at the hub reached the "
                    + "region's mirror on the survivors %d ms later%n", leaderName, TimeUnit.NANOSECONDS.toMillis(mirrored));
        }
    }

    private static String value(KeyValue kv, String region, String app) throws Exception {
        KeyValueEntry e = kv.get(Subjects.desiredAppKey(region, app));
        return e == null || e.getValue() == null ? "" : new String(e.getValue(), StandardCharsets.UTF_8);
    }
}
