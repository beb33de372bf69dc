package io.cascade.hub.api;

import io.cascade.proto.GlobalRollup;
import io.cascade.proto.WatchRollupResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WatchRollup call: the rollup at once, then the current one after each change, at most one per
 * interval and only while the client keeps up (gRPC flow control: nothing is sent while the call is not
 * ready). Per stream the hub buffers one flag, never a queue of states: whatever changed in between is in
 * the rollup read when the next send is due, and intermediate states are skipped. A send that would repeat
 * the last one (apart from {@code computed_at}) is skipped too.
 *
 * <p>Sends happen on the scheduler's thread; the merge only {@linkplain #changed() flags} a change.
 */
final class RollupStream {

    private static final Logger LOG = LoggerFactory.getLogger(RollupStream.class);

    private final ServerCallStreamObserver<WatchRollupResponse> call;
    private final Supplier<GlobalRollup> current;
    private final ScheduledExecutorService scheduler;
    private final long intervalNanos;
    private final Consumer<RollupStream> onEnd;
    private final String name;
    private final AtomicBoolean dirty = new AtomicBoolean();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean ended = new AtomicBoolean();
    private volatile boolean opened;
    private volatile GlobalRollup first;
    private volatile long nextSendNanos = System.nanoTime();
    private volatile AutoCloseable subscription;
    private volatile long sent;
    private GlobalRollup lastSent; // without computed_at

    /**
     * @param current   the rollup as of now, restricted like the request
     * @param scheduler runs the sends
     * @param interval  least time between two sends
     * @param onEnd     told once when the stream ends, however it ends
     */
    RollupStream(ServerCallStreamObserver<WatchRollupResponse> call, Optional<String> app, Supplier<GlobalRollup> current,
                 ScheduledExecutorService scheduler, Duration interval, Consumer<RollupStream> onEnd) {
        this.call = call;
        this.current = current;
        this.scheduler = scheduler;
        this.intervalNanos = interval.toNanos();
        this.onEnd = onEnd;
        this.name = "WatchRollup(" + app.orElse("all apps") + ")";
        call.setOnCancelHandler(() -> end("cancelled by the client"));
        call.setOnReadyHandler(this::kick);
    }

    /** Marks a change (called on the merge thread: only flags and schedules). */
    void changed() {
        dirty.set(true);
        if (opened) {
            kick();
        }
    }

    /**
     * Takes the handle of the change subscription, to close it when the stream ends. Subscribe before
     * reading the initial rollup, so that no change falls between the two.
     */
    void subscribed(AutoCloseable subscription) {
        this.subscription = subscription;
        if (ended.get()) {
            closeSubscription();
        }
    }

    /** Sends {@code initial} at once, and from then on every change. */
    void open(GlobalRollup initial) {
        first = initial;
        opened = true;
        LOG.info("{}: stream opened", name);
        kick();
    }

    /** Ends the stream before it opened (its request was refused); the caller answers the error. */
    void refused() {
        end("refused");
    }

    /** Ends the stream normally (the hub is shutting down); idempotent. */
    synchronized void complete() {
        if (end("the hub is shutting down") && opened) {
            try {
                call.onCompleted();
            } catch (RuntimeException e) {
                LOG.debug("{}: not completed cleanly: {}", name, e.toString());
            }
        }
    }

    private void kick() {
        if (ended.get() || !scheduled.compareAndSet(false, true)) {
            return;
        }
        long delay = Math.max(0, nextSendNanos - System.nanoTime());
        try {
            scheduler.schedule(this::drain, delay, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            scheduled.set(false); // the hub is stopping: complete() ends the stream
        }
    }

    private synchronized void drain() {
        scheduled.set(false);
        if (ended.get() || (first == null && !dirty.get())) {
            return;
        }
        if (nextSendNanos - System.nanoTime() > 0) {
            kick();
            return;
        }
        if (!call.isReady()) {
            return; // the on-ready handler kicks again
        }
        GlobalRollup rollup = first;
        if (rollup != null) {
            first = null;
        } else {
            dirty.set(false);
            rollup = current.get();
        }
        GlobalRollup comparable = rollup.toBuilder().clearComputedAt().build();
        if (!comparable.equals(lastSent)) {
            try {
                call.onNext(WatchRollupResponse.newBuilder().setRollup(rollup).build());
            } catch (RuntimeException e) {
                end("not deliverable: " + e.getMessage());
                return;
            }
            lastSent = comparable;
            sent++;
            nextSendNanos = System.nanoTime() + intervalNanos;
        }
        if (dirty.get()) {
            kick();
        }
    }

    /** Marks the stream ended and stops its subscription; true for the first caller. */
    private boolean end(String why) {
        if (!ended.compareAndSet(false, true)) {
            return false;
        }
        closeSubscription();
        onEnd.accept(this);
        if (opened) {
            LOG.info("{}: stream ended after {} updates: {}", name, sent, why);
        }
        return true;
    }

    private void closeSubscription() {
        AutoCloseable s = subscription;
        if (s != null) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.debug("{}: subscription not closed cleanly: {}", name, e.toString());
            }
        }
    }
}
