package io.cascade.topology.client;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One watch on a KV bucket (all keys, or those matching a filter) whose callback only records the entry
 * and wakes the consumer. Entries are coalesced per key: only the newest entry of each key waits to be
 * {@linkplain #drain() drained}, as the buckets hold state, not events. The buffer is therefore bounded
 * by the number of keys the watch covers (O(regions) for the hub's {@code rollup}, O(sites) for a region's {@code status}, O(regions × apps) for the app
 * docs of {@code desired}), and a burst of writes to one key never grows it.
 *
 * <p>The watch follows the bucket through reconnects and cluster failures ({@link KvFollower}). So that its watchdog's
 * comparison of revisions holds for a watch of some keys too, the consumer always covers the whole bucket and the
 * filter is applied here: entries of other keys only advance the revision seen.
 */
public final class KvWatch implements AutoCloseable {

    private final String keyFilter;
    private final Runnable wake;
    private final Map<String, KeyValueEntry> pending = new ConcurrentHashMap<>();
    private final KvFollower follower;

    /**
     * @param keyFilter keys to watch ({@code *} and {@code >} wildcards), or null for all
     * @param wake      called after each recorded entry; must only signal, never block
     */
    public KvWatch(Connection nats, KeyValue kv, String keyFilter, Runnable wake) {
        this.keyFilter = keyFilter;
        this.wake = wake;
        this.follower = new KvFollower(nats, kv, "KV " + kv.getBucketName() + (keyFilter == null ? "" : " (keys " + keyFilter + ")"),
                new KeyValueWatcher() {
                    @Override
                    public void watch(KeyValueEntry entry) {
                        record(entry);
                    }

                    @Override
                    public void endOfData() {
                        wake.run();
                    }
                });
    }

    /**
     * Starts the watch. A JetStream request that times out is tried again for up to {@link KvFollower#START_WAIT}: a
     * stream just made on a busy 3-node cluster may take seconds to create its first consumer.
     */
    public void start() throws IOException, JetStreamApiException, InterruptedException {
        follower.start();
    }

    /** True once the watch delivered everything the bucket held when it started. */
    public boolean initialLoadSeen() {
        return follower.initialLoadSeen();
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

    private void record(KeyValueEntry entry) {
        if (keyFilter != null && !KeyFilter.matches(keyFilter, entry.getKey())) {
            return;
        }
        pending.merge(entry.getKey(), entry, (held, next) -> next.getRevision() > held.getRevision() ? next : held);
        wake.run();
    }

    /** Stops the watch; idempotent. */
    @Override
    public void close() {
        follower.close();
        pending.clear();
    }
}
