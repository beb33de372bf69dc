package io.cascade.hub.api;

import static io.cascade.hub.testing.HubExtension.assertStatus;
import static io.cascade.hub.testing.SampleIntents.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.AppRollup;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutState;
import io.cascade.proto.WatchRollupRequest;
import io.cascade.proto.WatchRollupResponse;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * GetRollup and WatchRollup of a real hub on the demo fleet's real nats-servers. Each test writes region
 * rollups into the hub's KV {@code rollup} itself, as the relays would (keys eu and us, shared by the
 * class, so sequences only go up), and reads back what an operator would see. Every test uses its own apps.
 */
class RollupIT {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    private static final AtomicLong SEQUENCE = new AtomicLong(1_000);

    @Test
    void getRollupSumsTheRegionsCountsAndReportsEachRegionsHealth() throws Exception {
        long revision = HUB.publish(valid("roll-sum").build()).getIntentRevision();
        long eu = put(rollup("eu", SEQUENCE.incrementAndGet(), Instant.now(), intent("roll-sum", 3, 1, 0,
                revision(revision, 0, 1, 0, 1, 0).addTopErrors(error("ImagePullBackOff", 1)).build())));
        long us = put(rollup("us", SEQUENCE.incrementAndGet(), Instant.now(), intent("roll-sum", 2, 0, 1,
                revision(revision, 0, 0, 0, 0, 1).addTopErrors(error("ImagePullBackOff", 1)).build())));

        GlobalRollup global = awaitRollup("roll-sum", r -> sequences(r).equals(List.of(eu, us)));

        assertThat(global.getAppsList()).singleElement().satisfies(app -> {
            IntentRollup counts = app.getCounts();
            assertThat(counts.getApp()).isEqualTo("roll-sum");
            assertThat(List.of(counts.getTargeted(), counts.getInWave(), counts.getOffline(), counts.getNotReported()))
                    .as("targeted, in wave, offline, not reported").containsExactly(5, 5, 1, 1);
            assertThat(counts.getRevisionsList()).singleElement().satisfies(r -> {
                assertThat(r.getIntentRevision()).isEqualTo(revision);
                assertThat(List.of(r.getPending(), r.getApplying(), r.getReady(), r.getFailed(), r.getDrifted()))
                        .as("pending, applying, ready, failed, drifted").containsExactly(0, 1, 0, 1, 1);
                assertThat(r.getTopErrorsList()).extracting(ErrorCount::getMessage, ErrorCount::getCount)
                        .containsExactly(tuple("ImagePullBackOff", 2));
            });
            assertThat(app.getRolloutState()).isEqualTo(RolloutState.STABLE);
            assertThat(app.getStableIntentRevision()).isEqualTo(revision);
            assertThat(app.hasCandidateIntentRevision()).isFalse();
            assertThat(app.getWavePercent()).isEqualTo(100);
        });
        assertThat(global.getRegionsList()).extracting(RegionHealth::getRegion).containsExactly("eu", "us");
        for (RegionHealth health : global.getRegionsList()) {
            assertThat(List.of(health.getSitesOnline(), health.getSitesOffline())).containsExactly(3, 1);
            Instant stored = HUB.rollup().get(health.getRegion()).getCreated().toInstant();
            assertThat(health.getReceivedAt()).as("when the rollup arrived in the hub's JetStream").isEqualTo(timestamp(stored));
        }
    }

    @Test
    void aRollupWithALowerSequenceIsIgnoredUnlessItsRelayRestarted() throws Exception {
        HUB.publish(valid("roll-stale").build());
        Instant now = Instant.now();
        long held = put(rollup("eu", SEQUENCE.addAndGet(10), now, intent("roll-stale", 4, 0, 0)));
        awaitRollup("roll-stale", r -> sequences(r).getFirst() == held);

        put(rollup("eu", held - 5, now.minusSeconds(10), intent("roll-stale", 1, 0, 0)));
        long marker = put(rollup("us", SEQUENCE.incrementAndGet(), now, intent("roll-stale", 2, 0, 0)));
        GlobalRollup afterStale = awaitRollup("roll-stale", r -> sequences(r).getLast() == marker);
        assertThat(sequences(afterStale).getFirst()).as("the older rollup was ignored").isEqualTo(held);
        assertThat(afterStale.getApps(0).getCounts().getTargeted()).isEqualTo(4 + 2);

        put(rollup("eu", 1, now.plusSeconds(30), intent("roll-stale", 7, 0, 0)));
        GlobalRollup afterRestart = awaitRollup("roll-stale", r -> sequences(r).getFirst() == 1);
        assertThat(afterRestart.getApps(0).getCounts().getTargeted()).as("the restarted relay's counts").isEqualTo(7 + 2);
    }

    @Test
    void anAppNeitherPublishedNorReportedIsNotFoundAndABadNameInvalid() throws Exception {
        assertStatus(() -> HUB.fleet().getRollup(GetRollupRequest.newBuilder().setApp("never-seen").build()),
                Status.Code.NOT_FOUND, "app \"never-seen\" has no live intent: never published, or withdrawn");
        assertStatus(() -> HUB.fleet().getRollup(GetRollupRequest.newBuilder().setApp("Bad_Name").build()),
                Status.Code.INVALID_ARGUMENT, "app: \"Bad_Name\" is not a DNS label: use 1 to 63 lower-case letters, "
                        + "digits or '-', starting and ending with a letter or digit");
        assertStatus(() -> HUB.fleet().watchRollup(WatchRollupRequest.newBuilder().setApp("never-seen").build()).hasNext(),
                Status.Code.NOT_FOUND, "app \"never-seen\" has no live intent: never published, or withdrawn");

        // reported by a relay, but without a live intent (withdrawn while the region was silent): not in the rollup
        long sequence = SEQUENCE.incrementAndGet();
        put(rollup("us", sequence, Instant.now(), intent("roll-orphan", 1, 0, 0)));
        await().atMost(WAIT).until(() -> HUB.fleet().getRollup(GetRollupRequest.getDefaultInstance()).getRollup().getRegionsList()
                .stream().anyMatch(h -> h.getRegion().equals("us") && h.getSequence() >= sequence));
        assertThat(HUB.fleet().getRollup(GetRollupRequest.getDefaultInstance()).getRollup().getAppsList())
                .extracting(a -> a.getCounts().getApp()).doesNotContain("roll-orphan");
        assertStatus(() -> HUB.fleet().getRollup(GetRollupRequest.newBuilder().setApp("roll-orphan").build()),
                Status.Code.NOT_FOUND, "app \"roll-orphan\" has no live intent: never published, or withdrawn");
    }

    @Test
    void aRegionSilentPastThreeHeartbeatsIsStaleWithItsSitesUnknownUntilItIsHeardAgain() throws Exception {
        long rev = HUB.publish(valid("roll-silent").build()).getIntentRevision();
        RegionRollup eu = rollup("eu", SEQUENCE.incrementAndGet(), Instant.now(), intent("roll-silent", 4, 0, 0,
                revision(rev, 0, 0, 4, 0, 0).build())).toBuilder()
                .setHeartbeat(com.google.protobuf.Duration.newBuilder().setSeconds(1)).build();
        long us = put(rollup("us", SEQUENCE.incrementAndGet(), Instant.now(), intent("roll-silent", 2, 0, 0,
                revision(rev, 0, 0, 2, 0, 0).build())));
        put(eu);
        java.util.Iterator<WatchRollupResponse> watch = HUB.fleet().withDeadlineAfter(20, TimeUnit.SECONDS)
                .watchRollup(WatchRollupRequest.newBuilder().setApp("roll-silent").build());
        // nothing more is written: the hub itself notices eu's silence (3 x its 1 s heartbeat) and pushes it
        GlobalRollup silent = null;
        while (silent == null && watch.hasNext()) {
            GlobalRollup r = watch.next().getRollup();
            if (r.getRegionsList().stream().anyMatch(h -> h.getRegion().equals("eu") && h.getStale())) {
                silent = r;
            }
        }
        RegionHealth euHealth = silent.getRegions(0);
        assertThat(euHealth.getSilentFor().getSeconds()).isGreaterThanOrEqualTo(3);
        assertThat(List.of(euHealth.getSitesOnline(), euHealth.getSitesOffline(), euHealth.getSitesUnknown()))
                .as("online, offline, unknown").containsExactly(0, 0, 4);
        assertThat(silent.getRegions(1).getStale()).as("us: 10 s default heartbeat").isFalse();
        AppRollup app = silent.getApps(0);
        assertThat(app.getStaleRegionsList()).containsExactly("eu");
        assertThat(List.of(app.getCounts().getTargeted(), app.getCounts().getUnknown())).containsExactly(6, 4);
        assertThat(app.getCounts().getRevisions(0).getReady()).as("only us's sites are known ready").isEqualTo(2);
        assertThat(HUB.meters().get("cascade.hub.region.stale").tag("region", "eu").gauge().value()).isEqualTo(1);
        assertThat(HUB.meters().get("cascade.hub.region.silent.seconds").tag("region", "eu").gauge().value())
                .isGreaterThanOrEqualTo(3);

        long back = put(eu.toBuilder().setSequence(SEQUENCE.incrementAndGet()).build());
        GlobalRollup heard = awaitRollup("roll-silent", r -> sequences(r).equals(List.of(back, us)));
        assertThat(heard.getRegions(0).getStale()).isFalse();
        assertThat(heard.getRegions(0).getSitesOnline()).isEqualTo(3);
        assertThat(heard.getApps(0).getStaleRegionsList()).isEmpty();
        assertThat(heard.getApps(0).getCounts().getUnknown()).isZero();
        assertThat(heard.getApps(0).getCounts().getRevisions(0).getReady()).isEqualTo(6);
        assertThat(HUB.meters().get("cascade.hub.region.stale").tag("region", "eu").gauge().value()).isZero();
    }

    @Test
    void anAppIsFoundRightAfterItsPublishWithItsRolloutAndNoCountsYet() {
        long revision = HUB.publish(valid("roll-fresh").build()).getIntentRevision();

        AppRollup fresh = HUB.fleet().getRollup(GetRollupRequest.newBuilder().setApp("roll-fresh").build()).getRollup().getApps(0);

        assertThat(fresh.getCounts()).isEqualTo(IntentRollup.newBuilder().setApp("roll-fresh").build());
        assertThat(fresh.getRolloutState()).isEqualTo(RolloutState.STABLE);
        assertThat(fresh.getStableIntentRevision()).isEqualTo(revision);
    }

    @Test
    void watchRollupSendsTheCurrentRollupThenEachChangeAndStopsWhenCancelled() throws Exception {
        long revision = HUB.publish(valid("roll-watch").build()).getIntentRevision();
        long first = put(rollup("eu", SEQUENCE.incrementAndGet(), Instant.now(),
                intent("roll-watch", 2, 0, 0, revision(revision, 2, 0, 0, 0, 0).build())));
        awaitRollup("roll-watch", r -> sequences(r).getFirst() == first);
        int subscribersBefore = HUB.hub().rollups().subscribers();

        ManagedChannel channel = HubExtension.channel(FABRIC, HUB.hub().grpcPort());
        try {
            Watcher watcher = new Watcher();
            FleetServiceGrpc.newStub(channel).watchRollup(WatchRollupRequest.newBuilder().setApp("roll-watch").build(), watcher);

            await().atMost(WAIT).until(() -> !watcher.received.isEmpty());
            assertThat(pendingAndReady(watcher.received.getFirst())).as("the current rollup at once").containsExactly(2, 0);
            assertThat(watcher.received.getFirst().getRollup().getAppsList()).extracting(a -> a.getCounts().getApp())
                    .containsExactly("roll-watch");
            assertThat(HUB.hub().rollups().subscribers()).isEqualTo(subscribersBefore + 1);

            put(rollup("eu", SEQUENCE.incrementAndGet(), Instant.now(),
                    intent("roll-watch", 2, 0, 0, revision(revision, 0, 0, 2, 0, 0).build())));

            await().atMost(WAIT).until(() -> pendingAndReady(watcher.received.getLast()).equals(List.of(0, 2)));

            watcher.call.get().cancel("operator pressed Ctrl-C", null);

            await().atMost(WAIT).until(() -> HUB.hub().rollups().subscribers() == subscribersBefore);
            await().atMost(WAIT).until(() -> watcher.error.get() != null);
            assertThat(Status.fromThrowable(watcher.error.get()).getCode()).isEqualTo(Status.Code.CANCELLED);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** A WatchRollup client that records what it receives and can cancel its call. */
    private static final class Watcher implements ClientResponseObserver<WatchRollupRequest, WatchRollupResponse> {

        final List<WatchRollupResponse> received = new CopyOnWriteArrayList<>();
        final AtomicReference<ClientCallStreamObserver<WatchRollupRequest>> call = new AtomicReference<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchRollupRequest> requestStream) {
            call.set(requestStream);
        }

        @Override
        public void onNext(WatchRollupResponse value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
            error.set(new AssertionError("the stream ended without being cancelled"));
        }
    }

    private static List<Integer> pendingAndReady(WatchRollupResponse response) {
        RevisionRollup r = response.getRollup().getApps(0).getCounts().getRevisions(0);
        return List.of(r.getPending(), r.getReady());
    }

    /** Polls GetRollup for {@code app} until {@code done} holds. */
    private static GlobalRollup awaitRollup(String app, Predicate<GlobalRollup> done) {
        AtomicReference<GlobalRollup> last = new AtomicReference<>();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            last.set(HUB.fleet().getRollup(GetRollupRequest.newBuilder().setApp(app).build()).getRollup());
            return done.test(last.get());
        });
        return last.get();
    }

    private static List<Long> sequences(GlobalRollup rollup) {
        return rollup.getRegionsList().stream().map(RegionHealth::getSequence).toList();
    }

    /** Puts {@code rollup} under its region's key, as its relay would; returns its sequence. */
    private static long put(RegionRollup rollup) throws Exception {
        HUB.rollup().put(rollup.getRegion(), rollup.toByteArray());
        return rollup.getSequence();
    }

    private static RegionRollup rollup(String region, long sequence, Instant relayTime, IntentRollup... intents) {
        return RegionRollup.newBuilder()
                .setRegion(region)
                .setSequence(sequence)
                .setRelayTime(timestamp(relayTime))
                .setSitesOnline(3)
                .setSitesOffline(1)
                .addAllIntents(List.of(intents))
                .build();
    }

    /** One region's counts of an app whose targeted sites are all in the wave: targeted, offline, not reported. */
    private static IntentRollup intent(String app, int targeted, int offline, int notReported, RevisionRollup... revisions) {
        return IntentRollup.newBuilder()
                .setApp(app)
                .setDesiredRevision(1)
                .setTargeted(targeted)
                .setInWave(targeted)
                .setOffline(offline)
                .setNotReported(notReported)
                .addAllRevisions(List.of(revisions))
                .build();
    }

    /** One revision's counts: pending, applying, ready, failed, drifted. */
    private static RevisionRollup.Builder revision(long intentRevision, int pending, int applying, int ready, int failed,
                                                   int drifted) {
        return RevisionRollup.newBuilder()
                .setIntentRevision(intentRevision)
                .setPending(pending)
                .setApplying(applying)
                .setReady(ready)
                .setFailed(failed)
                .setDrifted(drifted);
    }

    private static ErrorCount error(String message, int count) {
        return ErrorCount.newBuilder().setMessage(message).setCount(count).build();
    }

    private static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }
}
