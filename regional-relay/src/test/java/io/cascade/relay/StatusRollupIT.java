package io.cascade.relay;

import static io.cascade.proto.AppState.FAILED;
import static io.cascade.proto.AppState.READY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Duration;
import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.LabelSelector;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.Release;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.SiteEntry;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.StatusAck;
import io.cascade.proto.Target;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StorageType;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * Status up on real nats-servers: sites' reports (plain requests) acknowledged by the relay with
 * their sequence, counted, and rolled up into the hub's KV {@code rollup} across the leaf link; a
 * relay restart that keeps the counts; a silent site going offline and back; a burst of reports
 * that costs the hub a handful of puts; the drill-down query. Each test uses its own app and sites
 * (label {@code suite}), so the tests' counts do not mix.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StatusRollupIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();
    static final java.time.Duration WAIT = java.time.Duration.ofSeconds(20);

    static Connection hub;
    static KeyValue desired;
    static KeyValue rollups;
    static Relay relay;
    static Connection edge;

    @BeforeAll
    static void start() throws Exception {
        hub = FABRIC.connectHub();
        hub.keyValueManagement().create(KeyValueConfiguration.builder().name(Subjects.KV_DESIRED)
                .maxHistoryPerKey(1).storageType(StorageType.File).build());
        desired = hub.keyValue(Subjects.KV_DESIRED);
        relay = startRelay();
        edge = FABRIC.connectRegionEdges("eu");
        await().atMost(WAIT).until(() -> relay.rollup().failed() > 0);
        hub.keyValueManagement().create(KeyValueConfiguration.builder().name(Subjects.KV_ROLLUP)
                .maxHistoryPerKey(1).storageType(StorageType.File).build());
        rollups = hub.keyValue(Subjects.KV_ROLLUP);
    }

    @AfterAll
    static void stop() throws Exception {
        if (edge != null) {
            edge.close();
        }
        if (relay != null) {
            relay.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    static Relay startRelay() throws Exception {
        return Relay.start(new RelayConfig("eu", FABRIC.relay("eu").clientUrl(), FABRIC.fleet(), FABRIC.relayCredentials("eu")));
    }

    @Test
    @Order(1)
    void reportsAreAckedWithTheirSequenceAndTheHubSeesTheCounts() throws Exception {
        long desiredRevision = putDoc("shop", "counts");
        for (int i = 1; i <= 4; i++) {
            assertThat(send(report("shop-" + i, 10 + i, "counts", 0, line("shop", 7, READY, "")))).isEqualTo(10 + i);
        }
        assertThat(send(report("shop-5", 3, "counts", 0, line("shop", 7, FAILED, "image pull failed")))).isEqualTo(3);
        assertThat(send(report("shop-6", 1, "counts", 0).toBuilder().setHeartbeatOnly(true).build())).isEqualTo(1);
        long staleBefore = relay.statusIntake().stale();
        assertThat(send(report("shop-1", 2, "counts", 0, line("shop", 7, FAILED, "old news")))).as("stale, still acked").isEqualTo(2);
        assertThat(relay.statusIntake().stale()).isEqualTo(staleBefore + 1);

        IntentRollup shop = awaitIntent("shop", r -> r.getTargeted() == 6 && ready(r, 7) == 4);
        assertThat(shop.getDesiredRevision()).isEqualTo(desiredRevision);
        assertThat(shop.getInWave()).isEqualTo(6);
        assertThat(shop.getOffline()).isZero();
        assertThat(shop.getNotReported()).isEqualTo(1);
        assertThat(shop.getRevisionsList()).hasSize(1);
        RevisionRollup r7 = shop.getRevisions(0);
        assertThat(r7.getFailed()).isEqualTo(1);
        assertThat(r7.getTopErrorsList()).extracting(ErrorCount::getMessage, ErrorCount::getCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("image pull failed", 1));
        RegionRollup region = hubRollup().orElseThrow();
        assertThat(region.getRegion()).isEqualTo("eu");
        assertThat(region.getSitesOnline()).isGreaterThanOrEqualTo(6);
        assertThat(relay.rollup().failed()).as("the hub's bucket was missing at first").isPositive();
    }

    @Test
    @Order(2)
    void fiftyReportsWithinOneIntervalCostTheHubAHandfulOfPuts() throws Exception {
        putDoc("burst", "burst");
        awaitIntent("burst", r -> true);
        KeyValueEntry before = rollups.get("eu");
        long sentBefore = relay.rollup().sent();

        List<CompletableFuture<Message>> acks = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            SiteStatus r = report("burst-%02d".formatted(i), 1, "burst", 0, line("burst", 3, READY, ""));
            acks.add(edge.requestWithTimeout(Subjects.status("eu", r.getSite()), r.toByteArray(), java.time.Duration.ofSeconds(10)));
        }
        for (CompletableFuture<Message> f : acks) {
            assertThat(StatusAck.parseFrom(f.get(10, TimeUnit.SECONDS).getData()).getAckedSequence()).isEqualTo(1);
        }
        awaitIntent("burst", r -> ready(r, 3) == 50);

        long puts = rollups.get("eu").getRevision() - before.getRevision();
        assertThat(puts).as("hub bucket revisions for 50 reports").isBetween(1L, 4L);
        assertThat(relay.rollup().sent() - sentBefore).isEqualTo(puts);
    }

    @Test
    @Order(3)
    void aSilentSiteGoesOfflineAfter3HeartbeatsAndComesBackWhenItReports() throws Exception {
        putDoc("sensor", "offline");
        send(report("quiet-1", 1, "offline", 300, line("sensor", 2, READY, "")));
        IntentRollup gone = awaitIntent("sensor", r -> r.getTargeted() == 1 && r.getOffline() == 1);
        assertThat(gone.getRevisionsList()).as("offline sites are not in the state counts").isEmpty();

        send(report("quiet-1", 1, "offline", 300, line("sensor", 2, READY, "")).toBuilder().setHeartbeatOnly(true).clearApps().build());
        IntentRollup back = awaitIntent("sensor", r -> r.getOffline() == 0);
        assertThat(ready(back, 2)).isEqualTo(1);
    }

    @Test
    @Order(4)
    void theDrillDownAnswersFilteredPagedLists() throws Exception {
        putDoc("till", "query");
        for (int i = 0; i < 25; i++) {
            boolean failed = i % 5 == 0;
            send(report("till-%02d".formatted(i), 1, "query", 0,
                    line("till", 4, failed ? FAILED : READY, failed ? "disk full" : "")));
        }
        List<SiteEntry> failed = listAll(ListSitesRequest.newBuilder().setApp("till").setState(FAILED).setPageSize(2));
        assertThat(failed).extracting(e -> e.getStatus().getSite())
                .containsExactly("till-00", "till-05", "till-10", "till-15", "till-20");
        assertThat(failed).allMatch(SiteEntry::getOnline)
                .allMatch(e -> e.getStatus().getApps(0).getMessage().equals("disk full"))
                .allMatch(e -> e.getLastSeen().getSeconds() > 0);

        List<SiteEntry> all = listAll(ListSitesRequest.newBuilder().setApp("till").setPageSize(10));
        assertThat(all).hasSize(25).extracting(e -> e.getStatus().getSite()).isSorted();
        assertThat(query(ListSitesRequest.newBuilder().setRegion("us").build()).getSitesList()).isEmpty();
    }

    @Test
    @Order(5)
    void aRelayRestartKeepsEverySiteCountedOnce() throws Exception {
        putDoc("kiosk", "restart");
        for (int i = 0; i < 10; i++) {
            send(report("kiosk-%02d".formatted(i), 5, "restart", 0, line("kiosk", 9, i < 8 ? READY : AppState.APPLYING, "")));
        }
        awaitIntent("kiosk", r -> ready(r, 9) == 8);
        RegionRollup before = hubRollup().orElseThrow();
        int known = relay.sites().sites();

        relay.close();
        relay = startRelay();

        assertThat(relay.sites().sites()).as("every site loaded back, none twice").isEqualTo(known);
        await().atMost(WAIT).until(() -> hubRollup().map(RegionRollup::getSequence).orElse(0L) > before.getSequence());
        IntentRollup kiosk = awaitIntent("kiosk", r -> ready(r, 9) == 8);
        assertThat(kiosk.getTargeted()).isEqualTo(10);
        assertThat(kiosk.getRevisions(0).getApplying()).isEqualTo(2);
        RegionRollup after = hubRollup().orElseThrow();
        assertThat(after.getSitesOnline() + after.getSitesOffline()).isEqualTo(before.getSitesOnline() + before.getSitesOffline());

        assertThat(send(report("kiosk-08", 6, "restart", 0, line("kiosk", 9, READY, "")))).isEqualTo(6);
        assertThat(send(report("kiosk-09", 4, "restart", 0, line("kiosk", 9, READY, "")))).as("stale after restart").isEqualTo(4);
        IntentRollup moved = awaitIntent("kiosk", r -> ready(r, 9) == 9);
        assertThat(moved.getRevisions(0).getApplying()).isEqualTo(1);
        assertThat(moved.getTargeted()).isEqualTo(10);

        IntentRollup sensor = awaitIntent("sensor", r -> r.getOffline() == 1);
        assertThat(sensor.getTargeted()).as("the silent site of the offline test: restored, then offline again").isEqualTo(1);
    }

    // ---- helpers --------------------------------------------------------------------------------

    static long putDoc(String app, String suite) throws Exception {
        DesiredDoc doc = DesiredDoc.newBuilder().setApp(app).setRegion("eu").setIntentRevision(1)
                .setStable(Release.newBuilder().setIntentRevision(1))
                .setTarget(Target.newBuilder().setSelector(LabelSelector.newBuilder().putMatchLabels("suite", suite)))
                .build();
        return desired.put(Subjects.desiredAppKey("eu", app), doc.toByteArray());
    }

    static AppStatus line(String app, long rev, AppState state, String message) {
        return AppStatus.newBuilder().setApp(app).setIntentRevision(rev).setState(state).setMessage(message).build();
    }

    static SiteStatus report(String site, long seq, String suite, int heartbeatMillis, AppStatus... apps) {
        SiteStatus.Builder b = SiteStatus.newBuilder().setSite(site).setRegion("eu").putLabels("suite", suite)
                .setOutboxSequence(seq).addAllApps(List.of(apps));
        if (heartbeatMillis > 0) {
            b.setHeartbeatInterval(Duration.newBuilder().setNanos(heartbeatMillis * 1_000_000));
        }
        return b.build();
    }

    /** Sends the report as the edge does; returns the acknowledged sequence. */
    static long send(SiteStatus report) throws Exception {
        Message m = edge.request(Subjects.status("eu", report.getSite()), report.toByteArray(), java.time.Duration.ofSeconds(5));
        assertThat(m).as("ack of %s", report.getSite()).isNotNull();
        return StatusAck.parseFrom(m.getData()).getAckedSequence();
    }

    static Optional<RegionRollup> hubRollup() throws Exception {
        KeyValueEntry e = rollups.get("eu");
        return e == null || e.getValue() == null ? Optional.empty() : Optional.of(RegionRollup.parseFrom(e.getValue()));
    }

    /** Waits until the hub's rollup has the app and its entry passes {@code ok}. */
    static IntentRollup awaitIntent(String app, java.util.function.Predicate<IntentRollup> ok) {
        IntentRollup[] found = new IntentRollup[1];
        await().atMost(WAIT).pollInterval(java.time.Duration.ofMillis(100)).until(() -> {
            found[0] = hubRollup().flatMap(r -> r.getIntentsList().stream().filter(i -> i.getApp().equals(app)).findFirst())
                    .orElse(null);
            return found[0] != null && ok.test(found[0]);
        });
        return found[0];
    }

    static int ready(IntentRollup r, long intentRevision) {
        return r.getRevisionsList().stream().filter(x -> x.getIntentRevision() == intentRevision)
                .mapToInt(RevisionRollup::getReady).sum();
    }

    static ListSitesResponse query(ListSitesRequest req) throws Exception {
        Message m = edge.request(Subjects.query("eu"), req.toByteArray(), java.time.Duration.ofSeconds(5));
        assertThat(m).as("query answer").isNotNull();
        return ListSitesResponse.parseFrom(m.getData());
    }

    static List<SiteEntry> listAll(ListSitesRequest.Builder req) throws Exception {
        List<SiteEntry> out = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListSitesResponse page = query(req.setPageToken(token).build());
            assertThat(page.getSitesCount()).isLessThanOrEqualTo(req.getPageSize());
            out.addAll(page.getSitesList());
            token = page.getNextPageToken();
        } while (!token.isEmpty() && ++pages < 100);
        return out;
    }
}
