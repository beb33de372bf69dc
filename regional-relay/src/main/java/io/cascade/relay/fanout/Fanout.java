package io.cascade.relay.fanout;

import com.google.protobuf.Timestamp;
import io.cascade.proto.Beacon;
import io.cascade.proto.Delta;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.KvFollower;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
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
 * while the head stays put ({@link BeaconSchedule}). The watch follows the mirror through reconnects and the death
 * of the relay server its consumer lived on ({@link KvFollower}).
 *
 * <p>The watch callback only enqueues (bounded); one named thread applies changes in order.
 */
public final class Fanout implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Fanout.class);
    static final int QUEUE_BOUND = 65_536;

    private final Connection nats;
    private final DesiredView view;
    private final String region;
    private final BlockingQueue<Item> queue = new ArrayBlockingQueue<>(QUEUE_BOUND);
    private final AtomicLong deltasPublished = new AtomicLong();
    private final CountDownLatch loaded = new CountDownLatch(1);
    private final Thread applier;
    private final ScheduledExecutorService beacon;
    private final BeaconSchedule beaconSchedule = new BeaconSchedule();
    private final RelayMetrics metrics;
    private final KvFollower watch;
    private volatile boolean closed;

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
        this.view = view;
        this.region = view.region();
        this.applier = Thread.ofPlatform().name("fanout-" + region).daemon().unstarted(this::applyLoop);
        this.beacon = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("beacon-" + region).daemon().factory());
        this.watch = new KvFollower(nats, kv, "region " + region + ": desired", watcher());
        metrics.watchFanout(deltasPublished::get, queue::size, view::size);
    }

    public void start() throws IOException, JetStreamApiException, InterruptedException {
        applier.start();
        watch.start();
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

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        beacon.shutdownNow();
        watch.close();
        applier.interrupt();
    }
}
