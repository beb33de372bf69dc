package io.cascade.hub.rollout;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which of the hub's service replicas drives rollouts: the one holding key {@value #KEY} of KV {@code leases},
 * a bucket whose entries expire {@link #TTL} after their last write. A replica takes the lease by creating the
 * key (only when there is none: compare-and-set on "absent"), keeps it by rewriting it every {@link #RENEW}
 * with compare-and-set on the revision it holds, and gives it up on close by deleting it at that revision.
 * A replica killed -9 stops renewing: its entry expires and another takes over within {@link #TTL} and a tick.
 * A holder whose renewal fails (another took the key, the store did not answer within the TTL) stops driving
 * at once: two replicas never both believe they hold it for longer than a renewal's timeout.
 *
 * <p>One thread calls {@link #hold()} and {@link #release()} (the rollout controller's lease thread, so a rollout
 * step blocked on a slow store never delays a renewal); any thread may ask {@link #valid()}.
 */
public final class DriverLease {

    private static final Logger LOG = LoggerFactory.getLogger(DriverLease.class);
    /** The key of the rollout driver's lease. */
    public static final String KEY = "rollout-driver";
    /** How long an entry lives without a renewal: the bucket's max age. */
    public static final Duration TTL = Duration.ofSeconds(5);
    /** How often the holder rewrites it. */
    static final Duration RENEW = Duration.ofMillis(1500);

    private final KeyValue bucket;
    private final String holder;
    private final AtomicBoolean held = new AtomicBoolean();
    private long revision;
    private long renewedNanos;
    private volatile long validUntilNanos;

    /**
     * @param bucket KV {@code leases} of the hub's JetStream, created with max age {@link #TTL}
     * @param holder this replica's name in the lease (host, pid and a random suffix: unique per process)
     */
    public DriverLease(KeyValue bucket, String holder) {
        this.bucket = bucket;
        this.holder = holder;
    }

    /** Takes or keeps the lease as needed; whether this replica may drive rollouts now. */
    public boolean hold() {
        long now = System.nanoTime();
        if (held.get() && now - validUntilNanos > 0) {
            lose("its last renewal is older than the lease's " + TTL.toMillis() + " ms");
        }
        try {
            if (!held.get()) {
                revision = takeOrResume();
                taken(now);
                LOG.info("rollout driver: {} holds the lease (revision {}); it drives rollouts", holder, revision);
            } else if (now - renewedNanos >= RENEW.toNanos()) {
                revision = bucket.update(KEY, holder.getBytes(StandardCharsets.UTF_8), revision);
                taken(now);
            }
        } catch (JetStreamApiException e) {
            if (held.get()) {
                lose("its renewal was refused (" + e.getMessage() + "): another replica holds the lease");
            }
            // not held and the key exists: another replica drives
        } catch (IOException e) {
            // the store did not answer: keep what we have until its validity runs out
            LOG.debug("rollout driver: lease request failed: {}", e.toString());
        }
        return held.get();
    }

    /**
     * Creates the key if no one holds it; if the entry still names this replica (its renewals were late, the store
     * slow, but no one else could take it while it lived), takes it back at the entry's revision instead of waiting
     * for it to expire. Both are compare-and-set: a refusal means another replica holds it.
     */
    private long takeOrResume() throws IOException, JetStreamApiException {
        try {
            return bucket.create(KEY, holder.getBytes(StandardCharsets.UTF_8));
        } catch (JetStreamApiException exists) {
            KeyValueEntry e = bucket.get(KEY);
            if (e != null && e.getValue() != null && holder.equals(new String(e.getValue(), StandardCharsets.UTF_8))) {
                return bucket.update(KEY, holder.getBytes(StandardCharsets.UTF_8), e.getRevision());
            }
            throw exists;
        }
    }

    private void taken(long now) {
        held.set(true);
        renewedNanos = now;
        // an entry written at `now` lives TTL; stop driving a renewal earlier, so a successor never overlaps
        validUntilNanos = now + TTL.toNanos() - RENEW.toNanos();
    }

    private void lose(String why) {
        held.set(false);
        LOG.warn("rollout driver: {} lost the lease: {}; it stops driving rollouts", holder, why);
    }

    /** A name for this process in the lease: host, pid and a random suffix. */
    public static String holderName() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            host = "unknown-host";
        }
        return host + "/" + ProcessHandle.current().pid() + "/" + Long.toHexString(new java.security.SecureRandom().nextLong());
    }

    /** Whether this replica holds the lease and its last renewal is recent enough to act on it now. */
    public boolean valid() {
        return held.get() && System.nanoTime() - validUntilNanos < 0;
    }

    /** Whether this replica held the lease at its last {@link #hold()}. */
    public boolean held() {
        return held.get();
    }

    /** Who holds the lease now, as the store says; empty when no one does. */
    public java.util.Optional<String> holderNow() throws IOException, JetStreamApiException {
        KeyValueEntry e = bucket.get(KEY);
        return e == null || e.getValue() == null ? java.util.Optional.empty()
                : java.util.Optional.of(new String(e.getValue(), StandardCharsets.UTF_8));
    }

    /** Gives the lease up at once (deletes the key at the revision held), so another replica need not wait for its expiry. */
    public void release() {
        if (!held.getAndSet(false)) {
            return;
        }
        try {
            bucket.delete(KEY, revision);
            LOG.info("rollout driver: {} released the lease", holder);
        } catch (IOException | JetStreamApiException e) {
            LOG.info("rollout driver: {} could not release the lease ({}); it expires within {} ms", holder, e.toString(),
                    TTL.toMillis());
        }
    }
}
