package io.cascade.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.StatusAck;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A cut leaf link: sites are still acknowledged by their relay; the rollup catches up when the link returns. */
class RollupLinkIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo().withLeafProxy();

    @Test
    void reportsAreAckedWhileTheLinkIsCutAndTheRollupCatchesUpAfter() throws Exception {
        try (Connection hub = FABRIC.connectHub();
             Connection edge = FABRIC.connectRegionEdges("eu")) {
            for (String bucket : new String[] {Subjects.KV_DESIRED, Subjects.KV_ROLLUP}) {
                hub.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket)
                        .maxHistoryPerKey(1).storageType(StorageType.File).build());
            }
            hub.keyValue(Subjects.KV_DESIRED).put(Subjects.desiredAppKey("eu", "web"),
                    DesiredDoc.newBuilder().setApp("web").setRegion("eu").setIntentRevision(1).build().toByteArray());
            KeyValue rollups = hub.keyValue(Subjects.KV_ROLLUP);
            try (Relay relay = Relay.start(new RelayConfig("eu", FABRIC.relay("eu").clientUrl(), FABRIC.fleet(), FABRIC.relayCredentials("eu")))) {
                assertThat(send(edge, "a", 1)).isEqualTo(1);
                await().atMost(Duration.ofSeconds(20)).until(() -> ready(rollups) == 1);
                long sequenceBefore = rollup(rollups).orElseThrow().getSequence();

                FABRIC.leafProxy().cut();
                await().atMost(Duration.ofSeconds(10)).until(() -> FABRIC.hub().leafConnections() == 0);
                assertThat(send(edge, "b", 1)).as("acknowledged by the relay alone").isEqualTo(1);
                assertThat(send(edge, "c", 1)).isEqualTo(1);
                await().atMost(Duration.ofSeconds(20)).until(() -> relay.rollup().failed() > 0);
                assertThat(ready(rollups)).as("nothing crosses a cut link").isEqualTo(1);

                FABRIC.leafProxy().restore();
                FABRIC.fabric().awaitLeafLinks(Duration.ofSeconds(30));
                await().atMost(Duration.ofSeconds(30)).until(() -> ready(rollups) == 3);
                assertThat(rollup(rollups).orElseThrow().getSequence()).isGreaterThan(sequenceBefore);
            }
        }
    }

    static long send(Connection edge, String site, long seq) throws Exception {
        SiteStatus r = SiteStatus.newBuilder().setSite(site).setRegion("eu").setOutboxSequence(seq)
                .addApps(AppStatus.newBuilder().setApp("web").setIntentRevision(1).setState(AppState.READY)).build();
        Message m = edge.request(Subjects.status("eu", site), r.toByteArray(), Duration.ofSeconds(5));
        assertThat(m).as("ack of %s", site).isNotNull();
        return StatusAck.parseFrom(m.getData()).getAckedSequence();
    }

    static Optional<RegionRollup> rollup(KeyValue rollups) throws Exception {
        KeyValueEntry e = rollups.get("eu");
        return e == null || e.getValue() == null ? Optional.empty() : Optional.of(RegionRollup.parseFrom(e.getValue()));
    }

    static int ready(KeyValue rollups) throws Exception {
        return rollup(rollups).flatMap(r -> r.getIntentsList().stream().filter(i -> i.getApp().equals("web")).findFirst())
                .map(IntentRollup::getRevisionsList).map(l -> l.stream().mapToInt(x -> x.getReady()).sum()).orElse(0);
    }
}
