package io.cascade.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.WatchRollupResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A WatchRollup stream on its own, against a recording call: what the client receives, counted, for
 * bursts of changes, a client that does not keep up, cancellation and shutdown.
 */
class RollupStreamTest {

    private static final Duration INTERVAL = Duration.ofMillis(300);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final RecordingCall call = new RecordingCall();
    private final AtomicLong sequence = new AtomicLong(1);
    private final AtomicBoolean subscribed = new AtomicBoolean(true);
    private final AtomicInteger ends = new AtomicInteger();
    private final RollupStream stream = new RollupStream(call, Optional.empty(), () -> rollup(sequence.get()), scheduler,
            INTERVAL, s -> ends.incrementAndGet());

    @AfterEach
    void stopScheduler() {
        scheduler.shutdownNow();
    }

    @Test
    void theFirstRollupGoesAtOnceAndABurstOfChangesBecomesOneSendOfTheLatest() {
        open();
        await().atMost(Duration.ofSeconds(2)).until(() -> call.sent.size() == 1);

        for (int i = 2; i <= 20; i++) {
            sequence.set(i);
            stream.changed();
        }

        await().atMost(Duration.ofSeconds(2)).until(() -> call.sent.size() == 2);
        await().during(INTERVAL.multipliedBy(2)).atMost(Duration.ofSeconds(3)).until(() -> call.sent.size() == 2);
        assertThat(call.sequences()).containsExactly(1L, 20L);
    }

    @Test
    void nothingIsSentWhileTheClientIsNotReadyAndTheLatestGoesWhenItIs() {
        open();
        await().atMost(Duration.ofSeconds(2)).until(() -> call.sent.size() == 1);
        call.ready = false;

        for (int i = 2; i <= 5; i++) {
            sequence.set(i);
            stream.changed();
        }
        await().during(INTERVAL.multipliedBy(2)).atMost(Duration.ofSeconds(3)).until(() -> call.sent.size() == 1);

        call.ready = true;
        call.onReady.run();
        await().atMost(Duration.ofSeconds(2)).until(() -> call.sent.size() == 2);
        assertThat(call.sequences()).containsExactly(1L, 5L);
    }

    @Test
    void aRollupThatDiffersOnlyInItsComputeTimeIsNotSentAgain() {
        open();
        await().atMost(Duration.ofSeconds(2)).until(() -> call.sent.size() == 1);

        stream.changed(); // same sequence: only computed_at differs

        await().during(INTERVAL.multipliedBy(2)).atMost(Duration.ofSeconds(3)).until(() -> call.sent.size() == 1);
    }

    @Test
    void aCancelledStreamUnsubscribesAndSendsNothingMore() {
        open();
        await().atMost(Duration.ofSeconds(2)).until(() -> call.sent.size() == 1);

        call.onCancel.run();
        sequence.set(2);
        stream.changed();

        assertThat(subscribed).isFalse();
        assertThat(ends).hasValue(1);
        await().during(INTERVAL.multipliedBy(2)).atMost(Duration.ofSeconds(3)).until(() -> call.sent.size() == 1);
        assertThat(call.completed).isFalse();
    }

    @Test
    void completingAtShutdownEndsTheStreamOnce() {
        open();
        await().atMost(Duration.ofSeconds(2)).until(() -> call.sent.size() == 1);

        stream.complete();
        stream.complete();

        assertThat(call.completed).isTrue();
        assertThat(subscribed).isFalse();
        assertThat(ends).hasValue(1);
    }

    private void open() {
        stream.subscribed(() -> subscribed.set(false));
        stream.open(rollup(sequence.get()));
    }

    /** A rollup told apart by its one region's sequence, computed now. */
    private static GlobalRollup rollup(long sequence) {
        return GlobalRollup.newBuilder()
                .setComputedAt(Timestamp.newBuilder().setSeconds(System.nanoTime()))
                .addRegions(RegionHealth.newBuilder().setRegion("eu").setSequence(sequence))
                .build();
    }

    /** A server call that records what it is sent and lets the test play the client's flow control. */
    private static final class RecordingCall extends ServerCallStreamObserver<WatchRollupResponse> {

        final List<WatchRollupResponse> sent = new CopyOnWriteArrayList<>();
        volatile boolean ready = true;
        volatile boolean completed;
        volatile Runnable onReady;
        volatile Runnable onCancel;

        List<Long> sequences() {
            return sent.stream().map(r -> r.getRollup().getRegions(0).getSequence()).toList();
        }

        @Override
        public void onNext(WatchRollupResponse value) {
            sent.add(value);
        }

        @Override
        public void onError(Throwable t) {
            throw new AssertionError("a watch stream does not fail", t);
        }

        @Override
        public void onCompleted() {
            completed = true;
        }

        @Override
        public boolean isReady() {
            return ready;
        }

        @Override
        public void setOnReadyHandler(Runnable handler) {
            onReady = handler;
        }

        @Override
        public boolean isCancelled() {
            return false;
        }

        @Override
        public void setOnCancelHandler(Runnable handler) {
            onCancel = handler;
        }

        @Override
        public void setCompression(String compression) {}

        @Override
        public void disableAutoInboundFlowControl() {}

        @Override
        public void request(int count) {}

        @Override
        public void setMessageCompression(boolean enable) {}
    }
}
