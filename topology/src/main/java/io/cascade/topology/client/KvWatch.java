package io.cascade.topology.client;

import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch on a KV bucket (all keys, or those matching a filter) whose callback only records the entry
 * and wakes the consumer. Entries are coalesced per key: only the newest entry of each key waits to be
 * {@linkplain #drain() drained}, as the buckets hold state, not events. The buffer is therefore bounded
 * by the number of keys the watch covers (O(regions) for the hub's {@code rollup}, O(sites) for a region's {@code status}, O(regions × apps) for the app
 * docs of {@code desired}), and a burst of writes to one key never grows it.
 *
 * <p>jnats recovers a watch whose server restarted only after its heartbeat alarm (~30 s measured), so
 * on the connection's RECONNECTED event the watch is restarted right after the last revision seen, retrying
 * with backoff until the store answers (on a cluster the bucket's stream may still be electing its leader).
 * A watchdog compares, every {@link #WATCHDOG}, the bucket's last revision with the last one delivered, and
 * restarts a watch that fell behind over two checks in a row (its consumer lived on a cluster node that died while
 * this connection, on another node, never dropped). So that this comparison holds for a watch of some keys too,
 * the consumer always covers the whole bucket and the filter is applied here: entries of other keys only advance
 * the revision seen. Watch (re)starts use JetStream requests of {@link #REQUEST_TIMEOUT}, so a resume is retried
 * every second or so while the cluster elects a leader, not every connection timeout.
 */
public final class KvWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KvWatch.class);

    private final Connection nats;
    private final KeyValue kv;
    /** The bucket for watch resumes, with {@link #REQUEST_TIMEOUT}; opened at the first resume (opening asks the store). */
    private KeyValue resumeKv;
    private final String keyFilter;
    private final Runnable wake;
    private final Map<String, KeyValueEntry> pending = new ConcurrentHashMap<>();
    private final AtomicLong lastRevision = new AtomicLong();
    private final ConnectionListener reconnects = this::onConnectionEvent;
    private volatile boolean initialLoadSeen;
    private volatile NatsKeyValueWatchSubscription watch;
    private boolean closed;
    static final java.time.Duration WATCHDOG = java.time.Duration.ofSeconds(1);
    private static final long RETRY_MAX_MS = 1000;
    /** How long a watch (re)start waits for JetStream to answer before it counts as failed and is retried. */
    static final java.time.Duration REQUEST_TIMEOUT = java.time.Duration.ofSeconds(1);
    /** How long {@link #start()} retries a watch whose creation timed out. */
    static final java.time.Duration START_WAIT = java.time.Duration.ofSeconds(30);
    private final java.util.concurrent.ScheduledExecutorService watchdog = java.util.concurrent.Executors
            .newSingleThreadScheduledExecutor(Thread.ofVirtual().name("watchdog-kv").factory());
    private long behindSince = -1;
    /** Asks for the bucket's last revision; made at the first check, used by the watchdog's thread only. */
    private io.nats.client.JetStreamManagement streams;

    /**
     * @param keyFilter keys to watch ({@code *} and {@code >} wildcards), or null for all
     * @param wake      called after each recorded entry; must only signal, never block
     */
    public KvWatch(Connection nats, KeyValue kv, String keyFilter, Runnable wake) {
        this.nats = nats;
        this.kv = kv;
        this.keyFilter = keyFilter;
        this.wake = wake;
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
                    LOG.warn("KV {}: the watch could not start yet ({}); retrying for up to {} s", kv.getBucketName(),
                            e.getMessage(), START_WAIT.toSeconds());
                }
                Thread.sleep(500);
            }
        }
        nats.addConnectionListener(reconnects);
        watchdog.scheduleWithFixedDelay(this::checkBehind, WATCHDOG.toMillis(), WATCHDOG.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The watchdog: restarts a watch whose bucket holds newer revisions than it delivered, two checks in a row. */
    private void checkBehind() {
        try {
            if (streams == null) {
                streams = nats.jetStreamManagement(io.nats.client.JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build());
            }
            long last = streams.getStreamInfo("KV_" + kv.getBucketName()).getStreamState().getLastSequence();
            long seen = lastRevision.get();
            if (last <= seen || !initialLoadSeen) {
                behindSince = -1;
                return;
            }
            if (behindSince < 0 || behindSince != seen) {
                behindSince = seen; // behind now; act if still at the same revision next time
                return;
            }
            LOG.warn("KV {}: the watch delivered nothing past revision {} while the bucket is at {}: restarting it",
                    kv.getBucketName(), seen, last);
            behindSince = -1;
            restart();
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("KV {}: watchdog check failed: {}", kv.getBucketName(), e.toString());
        }
    }

    /** True once the watch delivered everything the bucket held when it started. */
    public boolean initialLoadSeen() {
        return initialLoadSeen;
    }

    /** Keys waiting to be drained; a gauge for the buffer. */
    public int pending() {
        return pending.size();
    }

    /** The newest entry of every key written since the last drain, in revision order. */
    public List<KeyValueEntry> drain() {
        List<KeyValueEntry> out = new ArrayList<>();
        for (String key : pending.keySet()) {
            KeyValueEntry entry = pending.remove(key);
            if (entry != null) {
                out.add(entry);
            }
        }
        out.sort(Comparator.comparingLong(KeyValueEntry::getRevision));
        return out;
    }

    private KeyValueWatcher watcher() {
        return new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                lastRevision.accumulateAndGet(entry.getRevision(), Math::max);
                if (keyFilter != null && !KeyFilter.matches(keyFilter, entry.getKey())) {
                    return;
                }
                pending.merge(entry.getKey(), entry, (held, next) -> next.getRevision() > held.getRevision() ? next : held);
                wake.run();
            }

            @Override
            public void endOfData() {
                initialLoadSeen = true;
                wake.run();
            }
        };
    }

    private void onConnectionEvent(Connection conn, ConnectionListener.Events event) {
        if (event == ConnectionListener.Events.RECONNECTED) {
            Thread.ofVirtual().name("rewatch-" + kv.getBucketName()).start(this::restart);
        }
    }

    /**
     * Resumes the watch right after the last revision seen, e.g. after the server restarted; retries with
     * backoff (250 ms doubling to 2 s) until the store answers or the watch is closed.
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
                resumeKv = nats.keyValue(kv.getBucketName(), io.nats.client.KeyValueOptions.builder()
                        .jetStreamOptions(io.nats.client.JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT).build()).build());
            }
            watch = resumeKv.watchAll(watcher(), from);
            LOG.info("KV {}: watch{} resumed from revision {}{}", kv.getBucketName(), filterText(), from,
                    attempt > 1 ? " (attempt " + attempt + ")" : "");
            return true;
        } catch (IOException | JetStreamApiException e) {
            if (attempt == 1) {
                LOG.warn("KV {}: cannot resume the watch{} from revision {} yet: {}; retrying", kv.getBucketName(),
                        filterText(), from, e.toString());
            }
            return false;
        }
    }

    private String filterText() {
        return keyFilter == null ? "" : " of " + keyFilter;
    }

    private void unsubscribe() {
        NatsKeyValueWatchSubscription old = watch;
        watch = null;
        if (old != null) {
            try {
                old.unsubscribe();
            } catch (RuntimeException e) {
                LOG.debug("KV {}: watch did not unsubscribe cleanly: {}", kv.getBucketName(), e.toString());
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
        pending.clear();
    }
}
