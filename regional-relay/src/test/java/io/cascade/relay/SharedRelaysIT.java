package io.cascade.relay;

import static io.cascade.relay.status.StatusFixtures.app;
import static io.cascade.relay.status.StatusFixtures.doc;
import static io.cascade.relay.status.StatusFixtures.heartbeat;
import static io.cascade.relay.status.StatusFixtures.report;
import static io.cascade.relay.status.StatusFixtures.withHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.proto.AppState;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.StatusAck;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two relay services of one region on real nats-servers (issue 28, item 2): the sites' reports split between them
 * (queue group), yet both registries hold every site once with its latest record, every site stays online in both
 * (heartbeats are written too), no write of one service overwrites a newer record of the other (compare-and-set),
 * one of them at a time sends the region's rollup, and the hub's rollup counts each site once. When the sending
 * service stops, the other takes over the rollup and its sequence goes on.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedRelaysIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();
    static final Duration WAIT = Duration.ofSeconds(30);
    static final int SITES = 200;
    static final Map<String, String> LABELS = Map.of("suite", "shared");

    static Connection hub;
    static KeyValue desired;
    static KeyValue rollups;
    static Connection edge;
    static Relay a;
    static Relay b;

    @BeforeAll
    static void start() throws Exception {
        hub = FABRIC.connectHub();
        for (String bucket : List.of(Subjects.KV_DESIRED, Subjects.KV_ROLLUP)) {
            hub.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket)
                    .maxHistoryPerKey(1).storageType(StorageType.File).build());
        }
        desired = hub.keyValue(Subjects.KV_DESIRED);
        rollups = hub.keyValue(Subjects.KV_ROLLUP);
        desired.put(Subjects.desiredAppKey("eu", "shop"), doc("shop", 2, LABELS, -1).toByteArray());
        a = startRelay();
        b = startRelay();
        edge = FABRIC.connectRegionEdges("eu");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {edge, a, b, hub}) {
            if (c != null) {
                c.close();
            }
        }
    }

    static Relay startRelay() throws Exception {
        return Relay.start(new RelayConfig("eu", FABRIC.relay("eu").clientUrl(), FABRIC.fleet(), FABRIC.relayCredentials("eu"),
                1, true));
    }

    static String site(int i) {
        return "shared-%03d".formatted(i);
    }

    @Test
    @Order(1)
    void reportsSplitBetweenTwoServicesCountEverySiteOnceWithItsLatestRecord() throws Exception {
        Duration heartbeat = Duration.ofSeconds(1);
        for (int i = 0; i < SITES; i++) {
            ackOf(send(withHeartbeat(report(site(i), 1, LABELS, app("shop", 1, AppState.APPLYING)), heartbeat)), 1);
        }
        // each site's next full report and a heartbeat at once: they may go to different services, and the
        // heartbeat's record (merged with the apps it knows) must never overwrite the newer full report
        List<CompletableFuture<Message>> acks = new ArrayList<>();
        for (int i = 0; i < SITES; i++) {
            acks.add(send(withHeartbeat(heartbeat(site(i), 1, LABELS), heartbeat)));
            acks.add(send(withHeartbeat(report(site(i), 2, LABELS, app("shop", 2, AppState.READY)), heartbeat)));
        }
        for (CompletableFuture<Message> f : acks) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isNotNull();
        }
        assertThat(a.statusIntake().received()).as("relay a took some reports").isPositive();
        assertThat(b.statusIntake().received()).as("relay b took some reports").isPositive();
        System.out.printf("shared relays: a took %d reports, b %d; compare-and-set conflicts %d + %d; taken from the other: %d + %d%n",
                a.statusIntake().received(), b.statusIntake().received(), a.statusIntake().conflicts(), b.statusIntake().conflicts(),
                a.statusIntake().fromPeers(), b.statusIntake().fromPeers());

        KeyValue status = FABRIC.connectRelay("eu").keyValue(Subjects.KV_STATUS);
        for (int i = 0; i < SITES; i++) {
            KeyValueEntry e = status.get(site(i));
            assertThat(SiteStatus.parseFrom(e.getValue()).getApps(0).getIntentRevision()).as("stored record of %s", site(i)).isEqualTo(2);
        }
        for (Relay r : List.of(a, b)) {
            await().atMost(WAIT).until(() -> ready(r.sites().snapshot().intents(), 2) == SITES);
            assertThat(r.sites().sites()).isEqualTo(SITES);
        }

        // heartbeats every second for 5 s, split between the services: both keep every site online
        for (int round = 0; round < 5; round++) {
            List<CompletableFuture<Message>> beats = new ArrayList<>();
            for (int i = 0; i < SITES; i++) {
                beats.add(send(withHeartbeat(heartbeat(site(i), 2, LABELS), heartbeat)));
            }
            for (CompletableFuture<Message> f : beats) {
                assertThat(f.get(10, TimeUnit.SECONDS)).isNotNull();
            }
            // until the next round, no site is offline at either service, at any look
            await().during(heartbeat).atMost(heartbeat.plusSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> a.sites().offline() == 0 && b.sites().offline() == 0);
        }

        assertThat(a.rollup().publishing() ^ b.rollup().publishing()).as("exactly one sends the rollup").isTrue();
        RegionRollup up = awaitRollup(r -> r.getSitesOnline() == SITES && ready(r.getIntentsList(), 2) == SITES);
        assertThat(up.getSitesOffline()).isZero();
        IntentRollup shop = up.getIntents(0);
        assertThat(shop.getTargeted()).as("each site counted once").isEqualTo(SITES);
    }

    @Test
    @Order(2)
    void whenTheSendingServiceStopsTheOtherSendsAndTheSequenceGoesOn() throws Exception {
        await().atMost(WAIT).until(() -> a.rollup().publishing() ^ b.rollup().publishing());
        Relay sender = a.rollup().publishing() ? a : b;
        Relay other = sender == a ? b : a;
        long before = awaitRollup(r -> true).getSequence();
        long stopped = System.nanoTime();
        sender.close();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> other.rollup().publishing());
        System.out.printf("shared relays: the other service sends the rollup %d ms after the sender stopped%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped));

        ackOf(send(report(site(0), 3, LABELS, app("shop", 3, AppState.READY))), 3);
        RegionRollup up = awaitRollup(r -> r.getSequence() > before && ready(r.getIntentsList(), 3) == 1);
        assertThat(up.getSitesOnline()).isEqualTo(SITES);
        assertThat(ready(up.getIntentsList(), 2)).isEqualTo(SITES - 1);
        Relay restarted = startRelay();
        if (sender == a) {
            a = restarted;
        } else {
            b = restarted;
        }
        assertThat(restarted.sites().sites()).as("the restarted service loads every site once").isEqualTo(SITES);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> !restarted.rollup().publishing());
    }

    // ---- helpers --------------------------------------------------------------------------------

    static CompletableFuture<Message> send(SiteStatus report) {
        return edge.requestWithTimeout(Subjects.status("eu", report.getSite()), report.toByteArray(), Duration.ofSeconds(10));
    }

    static void ackOf(CompletableFuture<Message> reply, long sequence) throws Exception {
        assertThat(StatusAck.parseFrom(reply.get(10, TimeUnit.SECONDS).getData()).getAckedSequence()).isEqualTo(sequence);
    }

    static int ready(List<IntentRollup> intents, long intentRevision) {
        return intents.stream().flatMap(i -> i.getRevisionsList().stream())
                .filter(x -> x.getIntentRevision() == intentRevision).mapToInt(RevisionRollup::getReady).sum();
    }

    static RegionRollup awaitRollup(java.util.function.Predicate<RegionRollup> ok) {
        RegionRollup[] found = new RegionRollup[1];
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            KeyValueEntry e = rollups.get("eu");
            found[0] = e == null || e.getValue() == null ? null : RegionRollup.parseFrom(e.getValue());
            return found[0] != null && ok.test(found[0]);
        });
        return found[0];
    }
}
