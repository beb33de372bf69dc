package io.cascade.hub;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.hub.testing.SampleIntents;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.ManagedChannel;
import io.nats.client.Connection;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hub creates its KV buckets at start, idempotently, and brings an older configuration up to date. */
class HubBucketsIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void aStartCreatesTheBucketsOnceAndARestartKeepsWhatTheyHold() throws Exception {
        try (Connection nats = FABRIC.connectHub()) {
            KeyValueManagement buckets = nats.keyValueManagement();
            // an intents bucket left by an older hub with a shorter history
            buckets.create(KeyValueConfiguration.builder().name("intents").maxHistoryPerKey(5)
                    .storageType(StorageType.File).build());
            HubConfig config = io.cascade.hub.testing.HubExtension.config(FABRIC);

            long revision;
            try (Hub hub = Hub.start(config)) {
                assertBuckets(buckets);
                revision = call(hub, fleet -> fleet.publishIntent(PublishIntentRequest.newBuilder()
                        .setIntent(SampleIntents.valid("kept")).build()).getIntentRevision());
            }
            try (Hub again = Hub.start(config)) {
                assertBuckets(buckets);
                long current = call(again, fleet -> fleet.getIntent(GetIntentRequest.newBuilder().setApp("kept").build())
                        .getIntentRevision());
                assertThat(current).isEqualTo(revision);
            }
            assertThat(buckets.getStatus("desired").getEntryCount()).as("one app doc per region").isEqualTo(2);
        }
    }

    private static void assertBuckets(KeyValueManagement buckets) throws Exception {
        KeyValueStatus intents = buckets.getStatus("intents");
        assertThat(intents.getMaxHistoryPerKey()).isEqualTo(64);
        assertThat(intents.getStorageType()).isEqualTo(StorageType.File);
        KeyValueStatus desired = buckets.getStatus("desired");
        assertThat(desired.getMaxHistoryPerKey()).isEqualTo(1);
        assertThat(desired.getStorageType()).isEqualTo(StorageType.File);
        KeyValueStatus rollup = buckets.getStatus("rollup");
        assertThat(rollup.getMaxHistoryPerKey()).isEqualTo(1);
        assertThat(rollup.getStorageType()).isEqualTo(StorageType.File);
    }

    private static <T> T call(Hub hub, java.util.function.Function<FleetServiceGrpc.FleetServiceBlockingStub, T> call)
            throws InterruptedException {
        ManagedChannel channel = io.cascade.hub.testing.HubExtension.channel(FABRIC, hub.grpcPort());
        try {
            return call.apply(FleetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
