package io.cascade.relay.fanout;

import com.google.protobuf.Timestamp;
import io.cascade.proto.Beacon;
import io.cascade.proto.Delta;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watcher on the relay's {@code desired} mirror feeding the {@link DesiredView}; every change
 * after the initial load goes out as a live delta on core NATS ({@code cascade.d.<r>.app.<app>} or
 * {@code cascade.d.<r>.site.<site>.<app>}) carrying its chain's previous revision, so edges see gaps.
 * A beacon with the app chain's head follows every move of the head within 2 s and then backs off
 * while the head stays put ({@link BeaconSchedule}). The watch restarts from the last
 * revision on every reconnect instead of waiting ~30 s for jnats' heartbeat alarm, and when a watchdog finds it
 * behind the mirror (its consumer lived on a relay server that died).
 *
 * <p>The watch callback only enqueues (bounded); one named thread applies changes in order.
 */
public final class Fanout implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);
    static final int QUEUE_BOUND = 65_536;


    private final Connection nats;
    private final KeyValue kv;
    /** The same bucket for watch resumes, with {@link #REQUEST_TIMEOUT}; opened at the first resume (opening asks the store). */
    private KeyValue watchKv;
    private final DesiredView view;
    private final String region;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_BOUND);
    private final AtomicLong lastEnqueued = new AtomicLong();
    private final AtomicLong deltasPublished = new AtomicLong();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final ConnectionListener reconnects = this::onConnectionEvent;
    private final Thread applier;
    private final ScheduledExecutorService beacon;
    private final BeaconSchedule beaconSchedule = new BeaconSchedule();
    private final RelayMetrics metrics;
    private volatile NatsKeyValueWatchSubscription watch;
    private volatile boolean closed;
    static final Duration WATCHDOG = Duration.ofSeconds(1);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    private static final long RETRY_MAX_MS = 1000;
    private final ScheduledExecutorService watchdog;
    private long behindAt = -1;
    /** Asks for the bucket's last revision; made at the first check, used by the watchdog's thread only. */
    private io.nats.client.JetStreamManagement streams;

    /** A bucket change, or (entry null) the end of the initial load. */
    private record Item(KeyValueEntry entry) {
        static final Item END_OF_INITIAL_LOAD = new Item(null);

        boolean endOfInitialLoad() {
            return entry == null;
        }
    }

    public Fanout(Connection nats, KeyValue kv, DesiredView view, RelayMetrics metrics) {
        this.nats = nats;
        this.metrics = metrics;
        this.kv = kv;
        this.view = view;
        this.region = view.region();
        this.applier = Thread.ofPlatform().name("fanout-" + region).daemon().unstarted(this::applyLoop);
        this.beacon = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("beacon-" + region).daemon().factory());
        this.watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("fanout-watchdog-" + region).factory());
        metrics.watchFanout(deltasPublished::get, queue::size, view::size);
    }

    public void start() throws IOException, JetStreamApiException, InterruptedException {
        applier.start();
        nats.addConnectionListener(reconnects);
        watch = kv.watchAll(watcher());
        watchdog.scheduleWithFixedDelay(this::checkBehind, WATCHDOG.toMillis(), WATCHDOG.toMillis(), TimeUnit.MILLISECONDS);
        // the tick is the shortest beacon interval; the schedule decides which ticks send one
        long tick = BeaconSchedule.MIN.toMillis();
        beacon.scheduleAtFixedRate(this::beaconTick, tick, tick, TimeUnit.MILLISECONDS);
    }

    /** Waits until the initial load of the bucket is in the view. */
    public boolean awaitLoaded(Duration timeout) throws InterruptedException {
        return loaded.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isLoaded() {
        return loaded.getCount() == 0;
    }

    public long deltasPublished() {
        return deltasPublished.get();
    }

    private KeyValueWatcher watcher() {
        return new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                lastEnqueued.accumulateAndGet(entry.getRevision(), Math::max);
                enqueue(new Item(entry));
            }

            @Override
            public void endOfData() {
                enqueue(Item.END_OF_INITIAL_LOAD);
            }
        };
    }

    private void enqueue(Item item) {
        try {
            queue.put(item);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void applyLoop() {
        while (!closed) {
            Item item;
            try {
                item = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (item.endOfInitialLoad()) {
                if (loaded.getCount() > 0) {
                    loaded.countDown();
                    LOG.info("region {}: desired view loaded: {} keys, app chain head {}", region, view.size(), view.appHead());
                    beacon.execute(this::beaconTick); // the schedule belongs to the beacon thread
                }
                continue;
            }
            KeyValueEntry e = item.entry();
            boolean deleted = e.getOperation() != KeyValueOperation.PUT;
            byte[] doc = e.getValue() == null ? new byte[0] : e.getValue();
            view.apply(e.getKey(), e.getRevision(), deleted, doc).ifPresent(change -> {
                if (isLoaded()) {
                    publish(change);
                }
            });
        }
    }

    private void publish(DesiredView.Change change) {
        DesiredView.Entry e = change.entry();
        DesiredView.Chain c = e.chain();
        Delta head = Delta.newBuilder()
                .setKey(e.key())
                .setRevision(e.revision())
                .setPrevRevision(change.prevRevision())
                .setChain(c.app() ? Delta.Chain.APP : Delta.Chain.SITE)
                .setKind(e.deleted() ? Delta.Kind.DELETE : Delta.Kind.PUT)
                .build();
        byte[] payload = e.deleted() ? head.toByteArray()
                : DocFields.append(head.toByteArray(), c.app() ? Delta.APP_DOC_FIELD_NUMBER : Delta.SITE_DOC_FIELD_NUMBER, e.doc());
        String subject = c.app() ? Subjects.appDelta(region, c.appName()) : Subjects.siteDelta(region, c.site(), c.appName());
        nats.publish(subject, payload);
        deltasPublished.incrementAndGet();
        LOG.debug("region {}: delta {} rev {} (prev {}) {}", region, e.key(), e.revision(), change.prevRevision(),
                e.deleted() ? "DELETE" : "PUT");
    }

    private void beaconTick() {
        if (closed || !isLoaded()) {
            return;
        }
        long head = view.appHead();
        if (!beaconSchedule.due(head, System.nanoTime())) {
            return;
        }
        Instant now = Instant.now();
        Beacon b = Beacon.newBuilder()
                .setRegion(region)
                .setAppChainHead(head)
                .setRelayTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build();
        try {
            nats.publish(Subjects.beacon(region), b.toByteArray());
            metrics.beaconSent();
        } catch (IllegalStateException connectionClosed) {
            LOG.debug("region {}: beacon not sent: {}", region, connectionClosed.getMessage());
        }
    }

    private void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
        if (event == ConnectionListener.Events.RECONNECTED && !closed) {
            Thread.ofVirtual().name("rewatch-" + region).start(this::restartWatch);
        }
    }

    /**
     * The watchdog: restarts the watch when the mirror holds revisions it has not delivered, two checks in a row. In a
     * region of 3 relay servers the watch's consumer lives on one of them; killed with it, it would come back only when
     * nats-server elects it a new leader (a minute, measured) while this connection, on another server, never dropped.
     */
    private void checkBehind() {
        try {
            if (streams == null) {
                streams = nats.jetStreamManagement(io.nats.client.JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build());
            }
            long last = streams.getStreamInfo("KV_" + kv.getBucketName()).getStreamState().getLastSequence();
            long seen = lastEnqueued.get();
            if (last <= seen || !isLoaded()) {
                behindAt = -1;
                return;
            }
            if (behindAt != seen) {
                behindAt = seen; // behind now; act if still at the same revision next time
                return;
            }
            LOG.warn("region {}: the desired watch delivered nothing past revision {} while the mirror is at {}: restarting it",
                    region, seen, last);
            behindAt = -1;
            restartWatch();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("region {}: desired watchdog check failed: {}", region, e.toString());
        }
    }

    /**
     * Resumes the watch right after the last revision enqueued (after a reconnect, or when the watchdog finds it behind),
     * retrying with backoff (250 ms doubling to 1 s) until the store answers or the fan-out is closed.
     */
    private void restartWatch() {
        try {
            io.cascade.topology.client.Retry.untilDone(this::resumeWatch, RETRY_MAX_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One try at {@link #restartWatch()}; true when done (resumed, or closed). */
    private synchronized boolean resumeWatch(int attempt) throws InterruptedException {
        if (closed) {
            return true;
        }
        long from = lastEnqueued.get() + 1;
        unsubscribe();
        try {
            if (watchKv == null) {
                watchKv = nats.keyValue(kv.getBucketName(), io.nats.client.KeyValueOptions.builder()
                        .jetStreamOptions(io.nats.client.JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build()).build());
            }
            watch = watchKv.watchAll(watcher(), from);
            LOG.info("region {}: desired watch resumed from revision {}{}", region, from, attempt > 1 ? " (attempt " + attempt + ")" : "");
            return true;
        } catch (IOException | JetStreamApiException e) {
            if (attempt == 1) {
                LOG.warn("region {}: cannot resume the desired watch from revision {} yet: {}; retrying", region, from, e.toString());
            }
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        nats.removeConnectionListener(reconnects);
        beacon.shutdownNow();
        watchdog.shutdownNow();
        unsubscribe();
        applier.interrupt();
    }

    private void unsubscribe() {
        NatsKeyValueWatchSubscription old = watch;
        watch = null;
        if (old != null) {
            try {
                old.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debug("region {}: watch did not unsubscribe cleanly: {}", region, e.toString());
            }
        }
    }
}
