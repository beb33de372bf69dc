package io.cascade.hub.ha;

import static io.cascade.hub.testing.SampleIntents.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.GetIntentRequest;
import io.cascade.topology.Subjects;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.StatusRuntimeException;
import io.nats.client.Connection;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub service on an HA hub (3 nats-servers, real): its buckets keep 3 replicas, and when the JetStream meta
 * leader is killed -9 it keeps accepting intents with none lost, and the lost node shows in the hub's metrics (each
 * bucket's offline copies) until it is back. Prints how long publishing stalled.
 */
class HaHubServiceIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo().withHaHub();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    @Test
    void theHubKeepsEveryBucketInThreeCopiesAndLosesNoIntentWhenTheMetaLeaderDies() throws Exception {
        try (Connection nats = FABRIC.connectHub()) {
            for (String bucket : List.of(Subjects.KV_INTENTS, Subjects.KV_DESIRED, Subjects.KV_ROLLUP, Subjects.KV_SITES,
                    Subjects.KV_CREDENTIALS, Subjects.KV_TOKENS)) {
                assertThat(nats.keyValueManagement().getStatus(bucket).getReplicas()).as(bucket).isEqualTo(3);
            }
        }
        for (int i = 1; i <= 5; i++) {
            HUB.publish(valid("ha-" + i).build());
        }
        NatsServerProcess victim = FABRIC.fabric().killMetaLeader(Duration.ofSeconds(10));
        long killed = System.nanoTime();
        String leader = victim.name();

        // publishing resumes: the next intent until the hub takes it (a refusal counts, and is tried again)
        java.util.concurrent.atomic.AtomicInteger refusedCount = new java.util.concurrent.atomic.AtomicInteger();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            try {
                HUB.fleet().withDeadlineAfter(5, TimeUnit.SECONDS).publishIntent(io.cascade.proto.PublishIntentRequest.newBuilder()
                        .setIntent(valid("ha-6")).build());
                return true;
            } catch (StatusRuntimeException e) {
                refusedCount.incrementAndGet();
                return false;
            }
        });
        long accepted = System.nanoTime() - killed;
        int refused = refusedCount.get();
        // the lost node is a metric: the buckets' copies on it count as offline
        await().atMost(Duration.ofSeconds(30)).until(() -> offlineCopies(Subjects.KV_INTENTS) == 1);
        long noticed = System.nanoTime() - killed;
        assertThat(available(Subjects.KV_INTENTS)).as("a bucket serves with 2 of its 3 copies").isEqualTo(1);
        for (int i = 1; i <= 6; i++) {
            assertThat(HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("ha-" + i).build()).getIntent().getApp())
                    .isEqualTo("ha-" + i);
            String app = "ha-" + i;
            assertThat(HUB.appDoc("eu", app).getApp()).as("its desired doc").isEqualTo(app);
        }
        victim.rejoin(Duration.ofSeconds(30)); // not restart: /healthz may report a stream not current for minutes
        FABRIC.fabric().awaitMetaLeader(Duration.ofSeconds(30));
        await().atMost(Duration.ofSeconds(60)).until(() -> List.of(Subjects.KV_INTENTS, Subjects.KV_DESIRED, Subjects.KV_ROLLUP,
                Subjects.KV_SITES, Subjects.KV_LEASES).stream().allMatch(b -> offlineCopies(b) == 0));
        System.out.printf("HA hub service: meta leader %s killed -9; the next intent accepted after %d ms (%d attempt(s) "
                + "refused meanwhile); none of the 5 before lost; cascade_hub_bucket_replicas_offline showed the lost copy "
                + "after %d ms and 0 again once the node was back%n", leader, TimeUnit.NANOSECONDS.toMillis(accepted), refused,
                TimeUnit.NANOSECONDS.toMillis(noticed));
    }

    static double offlineCopies(String bucket) {
        return HUB.meters().get("cascade.hub.bucket.replicas.offline").tag("bucket", bucket).gauge().value();
    }

    static double available(String bucket) {
        return HUB.meters().get("cascade.hub.bucket.available").tag("bucket", bucket).gauge().value();
    }
}
