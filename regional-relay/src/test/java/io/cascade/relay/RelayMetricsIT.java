package io.cascade.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.proto.DesiredDoc;
import io.cascade.proto.SyncReply;
import io.cascade.proto.SyncRequest;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay's meters on real nats-servers, read from the SimpleMeterRegistry it records into. */
class RelayMetricsIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    static Connection hub;
    static KeyValue desired;
    static Relay relay;
    static Connection edge;

    @BeforeAll
    static void start() throws Exception {
        hub = FABRIC.connectHub();
        hub.keyValueManagement().create(KeyValueConfiguration.builder().name(Subjects.KV_DESIRED)
                .maxHistoryPerKey(1).storageType(StorageType.File).build());
        desired = hub.keyValue(Subjects.KV_DESIRED);
        relay = Relay.start(new RelayConfig("eu", FABRIC.relay("eu").clientUrl(), FABRIC.fleet(), FABRIC.relayCredentials("eu")), new RelayMetrics(METERS));
        edge = FABRIC.connectRegionEdges("eu");
        assertThat(relay.fanout().awaitLoaded(Duration.ofSeconds(10))).isTrue();
        // the sites gauges have no value until the registry has its statuses and desired docs (the sweep's next pass)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> relay.sites().ready());
    }

    @AfterAll
    static void stop() throws Exception {
        edge.close();
        relay.close();
        hub.close();
    }

    static double counter(String name, String... tags) {
        return METERS.get(name).tags(tags).functionCounter().count();
    }

    @Test
    void deltasPublishedAndTheViewAreMetered() throws Exception {
        double before = counter("cascade.relay.deltas.published");
        for (int i = 0; i < 3; i++) {
            desired.put("eu.app.metered-" + i, DesiredDoc.newBuilder().setApp("metered-" + i).setRegion("eu")
                    .setIntentRevision(1).build().toByteArray());
        }
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(counter("cascade.relay.deltas.published")).isEqualTo(before + 3));
        assertThat(METERS.get("cascade.relay.view.keys").gauge().value()).isGreaterThanOrEqualTo(3);
        assertThat(METERS.get("cascade.relay.fanout.queue.depth").gauge().value()).isZero();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(METERS.get("cascade.relay.beacons.sent").counter().count()).isPositive());
    }

    @Test
    void syncRequestsAreCountedWithTheirReplySizes() throws Exception {
        desired.put("eu.app.synced", DesiredDoc.newBuilder().setApp("synced").setRegion("eu").setIntentRevision(1).build().toByteArray());
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.view().size() > 0);
        double answered = counter("cascade.relay.sync.requests", "outcome", "answered");
        long replies = METERS.get("cascade.relay.sync.reply.entries").summary().count();
        // totals, not max(): a summary's max is windowed (Micrometer rotates it every 40 s) and read 0 once in a full run
        double entriesBefore = METERS.get("cascade.relay.sync.reply.entries").summary().totalAmount();
        double bytesBefore = METERS.get("cascade.relay.sync.reply").summary().totalAmount();

        Message m = edge.request(Subjects.sync("eu", "store-eu-0003"), SyncRequest.newBuilder().setSite("store-eu-0003")
                .setRegion("eu").build().toByteArray(), Duration.ofSeconds(5));
        SyncReply reply = SyncReply.parseFrom(m.getData());

        // the relay records a reply's sizes after it sent the reply: the edge can read the meters first
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            assertThat(counter("cascade.relay.sync.requests", "outcome", "answered")).isEqualTo(answered + 1);
            assertThat(METERS.get("cascade.relay.sync.reply.entries").summary().count()).isEqualTo(replies + 1);
            assertThat(METERS.get("cascade.relay.sync.reply.entries").summary().totalAmount() - entriesBefore)
                    .isGreaterThanOrEqualTo(reply.getEntriesCount());
            assertThat(METERS.get("cascade.relay.sync.reply").summary().totalAmount() - bytesBefore)
                    .isGreaterThanOrEqualTo(m.getData().length);
        });
        assertThat(counter("cascade.relay.sync.requests", "outcome", "dropped")).isZero();
        assertThat(METERS.get("cascade.relay.sync.queue.depth").gauge().value()).isZero();
    }

    @Test
    void theUpwardHalfIsMetered() {
        assertThat(counter("cascade.relay.status.received")).isZero();
        assertThat(METERS.get("cascade.relay.status.queue.depth").gauge().value()).isZero();
        assertThat(METERS.get("cascade.relay.sites").tag("state", "online").gauge().value()).isZero();
        assertThat(counter("cascade.relay.query.requests", "outcome", "answered")).isZero();
        assertThat(METERS.find("cascade.relay.rollups").tag("outcome", "failed").functionCounter()).isNotNull();
        assertThat(METERS.find("cascade.relay.rollup.lag").timer()).isNotNull();
    }
}
