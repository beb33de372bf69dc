package io.cascade.topology.client;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on a whole KV bucket that keeps following it, every entry handed to a sink in revision order (on jnats'
 * thread: the sink records or enqueues, never blocks for long). Used by {@link KvWatch} (the newest entry per key) and
 * by the relay's fan-out (every revision, in order).
 *
 * <p>jnats recovers a watch whose server restarted only after its heartbeat alarm (~30 s measured), so on the
 * connection's RECONNECTED event the watch is restarted right after the last revision seen, retrying with backoff until
 * the store answers (on a cluster the bucket's stream may still be electing its leader). A watchdog compares, every
 * {@link #WATCHDOG}, the bucket's last revision with the last one delivered, and restarts a watch that fell behind over
 * two checks in a row (its consumer lived on a cluster node that died while this connection, on another node, never
 * dropped: nats-server would elect the consumer a new leader only after a minute, measured). Watch (re)starts use
 * JetStream requests of {@link #REQUEST_TIMEOUT}, so a resume is retried every second or so while the cluster elects a
 * leader, not every connection timeout.
 */
public final class KvFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KvFollower.class);
    static final Duration WATCHDOG = Duration.ofSeconds(1);
    private static final long RETRY_MAX_MS = 1000;
    /** How long a watch (re)start waits for JetStream to answer before it counts as failed and is retried. */
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** How long {@link #start()} retries a watch whose creation timed out. */
    static final Duration START_WAIT = Duration.ofSeconds(30);

    private final Connection nats;
    private final KeyValue kv;
    private final String name;
    private final KeyValueWatcher sink;
    /** The bucket for watch resumes, with {@link #REQUEST_TIMEOUT}; opened at the first resume (opening asks the store). */
    private KeyValue resumeKv;
    private final AtomicLong lastRevision = new AtomicLong();
    private final ConnectionListener reconnects = this::onConnectionEvent;
    private final ScheduledExecutorService watchdog;
    private volatile boolean initialLoadSeen;
    private volatile NatsKeyValueWatchSubscription watch;
    private boolean closed;
    private long behindSince = -1;
    /** Asks for the bucket's last revision; made at the first check, used by the watchdog's thread only. */
    private JetStreamManagement streams;

    /**
     * @param name what the logs call this watch, e.g. {@code KV status} or {@code region eu: desired}
     * @param sink given every entry of the bucket, and the end of the initial load
     */
    public KvFollower(Connection nats, KeyValue kv, String name, KeyValueWatcher sink) {
        this.nats = nats;
        this.kv = kv;
        this.name = name;
        this.sink = sink;
        this.watchdog = Executors.newSingleThreadScheduledExecutor(Thread.ofVirtual().name("watchdog-kv-" + kv.getBucketName()).factory());
    }

    /**
     * Starts the watch. A JetStream request that times out is tried again for up to {@link #START_WAIT}: a stream
     * just made on a busy 3-node cluster may take seconds to create its first consumer.
     */
    public synchronized void start() throws IOException, JetStreamApiException, InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                watch = kv.watchAll(watcher());
                break;
            } catch (IOException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                if (attempt == 1) {
                    LOG.warn("{}: the watch could not start yet ({}); retrying for up to {} s", name, e.getMessage(),
                            START_WAIT.toSeconds());
                }
                Thread.sleep(500);
            }
        }
        nats.addConnectionListener(reconnects);
        watchdog.scheduleWithFixedDelay(this::checkBehind, WATCHDOG.toMillis(), WATCHDOG.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True once the watch delivered everything the bucket held when it started. */
    public boolean initialLoadSeen() {
        return initialLoadSeen;
    }

    private KeyValueWatcher watcher() {
        return new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                lastRevision.accumulateAndGet(entry.getRevision(), Math::max);
                sink.watch(entry);
            }

            @Override
            public void endOfData() {
                initialLoadSeen = true;
                sink.endOfData();
            }
        };
    }

    /** The watchdog: restarts a watch whose bucket holds newer revisions than it delivered, two checks in a row. */
    private void checkBehind() {
        try {
            if (streams == null) {
                streams = nats.jetStreamManagement(JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build());
            }
            long last = streams.getStreamInfo("KV_" + kv.getBucketName()).getStreamState().getLastSequence();
            long seen = lastRevision.get();
            if (last <= seen || !initialLoadSeen) {
                behindSince = -1;
                return;
            }
            if (behindSince != seen) {
                behindSince = seen; // behind now; act if still at the same revision next time
                return;
            }
            LOG.warn("{}: the watch delivered nothing past revision {} while the bucket is at {}: restarting it", name, seen, last);
            behindSince = -1;
            restart();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("{}: watchdog check failed: {}", name, e.toString());
        }
    }

    private void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
        if (event == ConnectionListener.Events.RECONNECTED) {
            Thread.ofVirtual().name("rewatch-" + kv.getBucketName()).start(this::restart);
        }
    }

    /**
     * Resumes the watch right after the last revision seen (after a reconnect, or when the watchdog finds it behind);
     * retries with backoff (250 ms doubling to 1 s) until the store answers or the watch is closed.
     */
    private void restart() {
        try {
            Retry.untilDone(this::resume, RETRY_MAX_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One try at {@link #restart()}; true when done (resumed, or closed). */
    private synchronized boolean resume(int attempt) throws InterruptedException {
        if (closed) {
            return true;
        }
        long from = lastRevision.get() + 1;
        unsubscribe();
        try {
            if (resumeKv == null) {
                resumeKv = nats.keyValue(kv.getBucketName(), KeyValueOptions.builder()
                        .jetStreamOptions(JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build()).build());
            }
            watch = resumeKv.watchAll(watcher(), from);
            LOG.info("{}: watch resumed from revision {}{}", name, from, attempt > 1 ? " (attempt " + attempt + ")" : "");
            return true;
        } catch (IOException | JetStreamApiException e) {
            if (attempt == 1) {
                LOG.warn("{}: cannot resume the watch from revision {} yet: {}; retrying", name, from, e.toString());
            }
            return false;
        }
    }

    private void unsubscribe() {
        NatsKeyValueWatchSubscription old = watch;
        watch = null;
        if (old != null) {
            try {
                old.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debug("{}: watch did not unsubscribe cleanly: {}", name, e.toString());
            }
        }
    }

    /** Stops the watch; idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        watchdog.shutdownNow();
        nats.removeConnectionListener(reconnects);
        unsubscribe();
    }
}
