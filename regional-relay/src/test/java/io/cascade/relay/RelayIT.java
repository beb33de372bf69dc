package io.cascade.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cascade.proto.Beacon;
import io.cascade.proto.Delta;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.SiteOverrideDoc;
import io.cascade.proto.SyncReply;
import io.cascade.proto.SyncRequest;
import io.cascade.relay.mirror.DesiredMirror;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The relay on real nats-servers: its mirror, live deltas with chain revisions, beacon and sync. */
class RelayIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

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
        relay = Relay.start(new RelayConfig("eu", FABRIC.relay("eu").clientUrl(), FABRIC.fleet(), FABRIC.relayCredentials("eu")));
        edge = FABRIC.connectRegionEdges("eu");
    }

    @AfterAll
    static void stop() throws Exception {
        edge.close();
        relay.close();
        hub.close();
    }

    static byte[] app(String app, String version) {
        return DesiredDoc.newBuilder().setApp(app).setRegion("eu").setIntentRevision(1).build().toByteArray();
    }

    @Test
    void aMirrorAlreadyThereIsOpenedAsItIsWhenItIsThisRegionsAndRefusedWhenItIsAnothers() throws Exception {
        try (Connection nats = FABRIC.connectRelay("eu")) {
            assertThat(DesiredMirror.ensure(nats, "eu", 1).getBucketName()).isEqualTo(Subjects.KV_DESIRED);
            assertThatThrownBy(() -> DesiredMirror.ensure(nats, "us", 1))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("region us: bucket " + Subjects.KV_DESIRED + " exists but is not a mirror filtered to "
                            + Subjects.desiredRegionFilter("us") + " (it is " + Subjects.desiredRegionFilter("eu") + ")")
                    .hasMessageContaining("belongs to another region");
        }
    }

    @Test
    void liveDeltasCarryTheirChainsPreviousRevisionAndOnlyThisRegionsKeys() throws Exception {
        assertThat(relay.fanout().awaitLoaded(Duration.ofSeconds(10))).isTrue();
        Subscription deltas = edge.subscribe("cascade.d.eu.>");
        Subscription others = edge.subscribe("cascade.d.us.>");
        edge.flush(Duration.ofSeconds(2));
        long appHead = relay.view().appHead();

        long r1 = desired.put("eu.app.web", app("web", "1"));
        desired.put("us.app.web", app("web", "1"));
        long r2 = desired.put("eu.site.store-eu-0001.web",
                SiteOverrideDoc.newBuilder().setSite("store-eu-0001").setApp("web").putValues("replicas", "3").build().toByteArray());
        desired.delete("eu.app.web");

        List<Delta> got = new ArrayList<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Message m = deltas.nextMessage(Duration.ofMillis(200));
            if (m != null) {
                got.add(Delta.parseFrom(m.getData()));
            }
            return got.size() == 3;
        });
        assertThat(got.get(0).getKey()).isEqualTo("eu.app.web");
        assertThat(got.get(0).getRevision()).isEqualTo(r1);
        assertThat(got.get(0).getPrevRevision()).isEqualTo(appHead);
        assertThat(got.get(0).getAppDoc().getApp()).isEqualTo("web");
        assertThat(got.get(1).getChain()).isEqualTo(Delta.Chain.SITE);
        assertThat(got.get(1).getRevision()).isEqualTo(r2);
        assertThat(got.get(1).getSiteDoc().getValuesMap()).containsEntry("replicas", "3");
        assertThat(got.get(2).getKind()).isEqualTo(Delta.Kind.DELETE);
        assertThat(got.get(2).getPrevRevision()).isEqualTo(r1);
        assertThat(others.nextMessage(Duration.ofMillis(300))).isNull();
    }

    @Test
    void syncAnswersWithTheLatestDocPerKeyAndTheChainHeads() throws Exception {
        assertThat(relay.fanout().awaitLoaded(Duration.ofSeconds(10))).isTrue();
        long before = 0;
        for (int i = 0; i < 50; i++) {
            before = desired.put("eu.app.sync-" + (i % 5), app("sync-" + (i % 5), "v" + i));
        }
        long last = before;
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.view().appHead() >= last);

        SyncReply fresh = sync("store-eu-0002", 0, 0);
        assertThat(fresh.getFull()).isTrue();
        assertThat(fresh.getLastChunk()).isTrue();
        assertThat(fresh.getAppChainHead()).isEqualTo(last);
        assertThat(fresh.getEntriesList()).extracting(e -> e.getKey()).contains("eu.app.sync-0", "eu.app.sync-4")
                .doesNotHaveDuplicates().allMatch(k -> k.startsWith("eu.app.") || k.startsWith("eu.site.store-eu-0002."));

        long mid = last - 3;
        SyncReply delta = sync("store-eu-0002", mid, 0);
        assertThat(delta.getFull()).isFalse();
        assertThat(delta.getEntriesList()).hasSize(3).allMatch(e -> e.getRevision() > mid && e.hasAppDoc());
    }

    @Test
    void aBeaconCarriesTheAppChainHeadSoonAfterItMoves() throws Exception {
        assertThat(relay.fanout().awaitLoaded(Duration.ofSeconds(10))).isTrue();
        Subscription beacons = edge.subscribe(Subjects.beacon("eu"));
        edge.flush(Duration.ofSeconds(2));
        long moved = desired.put("eu.app.beaconed", app("beaconed", "1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> relay.view().appHead() >= moved);

        // the first beacon tick after the move (every 2 s) sends the new head, however quiet it was before
        Beacon b;
        do {
            Message m = beacons.nextMessage(Duration.ofSeconds(5));
            assertThat(m).as("a beacon within 5 s of the move").isNotNull();
            b = Beacon.parseFrom(m.getData());
        } while (b.getAppChainHead() < moved);
        assertThat(b.getRegion()).isEqualTo("eu");
        assertThat(b.getAppChainHead()).isEqualTo(relay.view().appHead());
    }

    static SyncReply sync(String site, long appMark, long siteMark) throws Exception {
        Message m = edge.request(Subjects.sync("eu", site), SyncRequest.newBuilder().setSite(site).setRegion("eu")
                .setAppMark(appMark).setSiteMark(siteMark).build().toByteArray(), Duration.ofSeconds(5));
        assertThat(m).as("sync reply").isNotNull();
        return SyncReply.parseFrom(m.getData());
    }
}
