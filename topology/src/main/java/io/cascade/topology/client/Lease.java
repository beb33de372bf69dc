package io.cascade.topology.client;

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
 * Which of several replicas of a service does a job only one may do at a time (the hub's rollout driver, a
 * region's rollup publisher): the one holding a key of KV {@code leases}, a bucket whose entries expire
 * {@link #TTL} after their last write. A replica takes the lease by creating the
 * key (only when there is none: compare-and-set on "absent"), keeps it by rewriting it every {@link #RENEW}
 * with compare-and-set on the revision it holds, and gives it up on close by deleting it at that revision.
 * A replica killed -9 stops renewing: its entry expires and another takes over within {@link #TTL} and a tick.
 * A holder whose renewal fails (another took the key, the store did not answer within the TTL) stops acting
 * at once: two replicas never both believe they hold it for longer than a renewal's timeout.
 *
 * <p>One thread calls {@link #hold()} and {@link #release()} (a lease thread of its own, so a job's step blocked
 * on a slow store never delays a renewal); any thread may ask {@link #valid()}.
 */
public final class Lease {

    private static final Logger LOG = LoggerFactory.getLogger(Lease.class);
    /** The key of the hub's rollout driver's lease. */
    public static final String ROLLOUT_DRIVER = "rollout-driver";
    /** The key of a region's rollup publisher's lease (in the region's own {@code leases} bucket). */
    public static final String ROLLUP_PUBLISHER = "rollup-publisher";
    /** How long an entry lives without a renewal: the bucket's max age. */
    public static final Duration TTL = Duration.ofSeconds(5);
    /** How often the holder rewrites it. */
    public static final Duration RENEW = Duration.ofMillis(1500);

    private final KeyValue bucket;
    private final String key;
    private final String role;
    private final String holder;
    private final AtomicBoolean held = new AtomicBoolean();
    private long revision;
    private long renewedNanos;
    private volatile long validUntilNanos;

    /**
     * @param bucket KV {@code leases}, created with max age {@link #TTL}
     * @param key    the job's key in it
     * @param role   the job as the log names it ("rollout driver", "region eu's rollup publisher")
     * @param holder this replica's name in the lease (host, pid and a random suffix: unique per process)
     */
    public Lease(KeyValue bucket, String key, String role, String holder) {
        this.bucket = bucket;
        this.key = key;
        this.role = role;
        this.holder = holder;
    }

    /** Takes or keeps the lease as needed; whether this replica may do the job now. */
    public boolean hold() {
        long now = System.nanoTime();
        if (held.get() && now - validUntilNanos > 0) {
            lose("its last renewal is older than the lease's " + TTL.toMillis() + " ms");
        }
        try {
            if (!held.get()) {
                revision = takeOrResume();
                taken(now);
                LOG.info("{}: {} holds the lease (revision {})", role, holder, revision);
            } else if (now - renewedNanos >= RENEW.toNanos()) {
                revision = bucket.update(key, holder.getBytes(StandardCharsets.UTF_8), revision);
                taken(now);
            }
        } catch (JetStreamApiException e) {
            if (held.get()) {
                lose("its renewal was refused (" + e.getMessage() + "): another replica holds the lease");
            }
            // not held and the key exists: another replica holds it
        } catch (IOException e) {
            // the store did not answer: keep what we have until its validity runs out
            LOG.debug("{}: lease request failed: {}", role, e.toString());
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
            return bucket.create(key, holder.getBytes(StandardCharsets.UTF_8));
        } catch (JetStreamApiException exists) {
            KeyValueEntry e = bucket.get(key);
            if (e != null && e.getValue() != null && holder.equals(new String(e.getValue(), StandardCharsets.UTF_8))) {
                return bucket.update(key, holder.getBytes(StandardCharsets.UTF_8), e.getRevision());
            }
            throw exists;
        }
    }

    private void taken(long now) {
        held.set(true);
        renewedNanos = now;
        // an entry written at `now` lives TTL; stop acting a renewal earlier, so a successor never overlaps
        validUntilNanos = now + TTL.toNanos() - RENEW.toNanos();
    }

    private void lose(String why) {
        held.set(false);
        LOG.warn("{}: {} lost the lease: {}; it stops", role, holder, why);
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
        KeyValueEntry e = bucket.get(key);
        return e == null || e.getValue() == null ? java.util.Optional.empty()
                : java.util.Optional.of(new String(e.getValue(), StandardCharsets.UTF_8));
    }

    /**
     * The process id of whoever holds {@code key} in {@code bucket} now ({@link #holderName()}: host/pid/random), for a
     * launcher, test or bench that must find which of its child processes holds a lease; empty while no one does.
     */
    public static java.util.OptionalLong holderPid(KeyValue bucket, String key) throws IOException, JetStreamApiException {
        KeyValueEntry e = bucket.get(key);
        if (e == null || e.getValue() == null || e.getOperation() != io.nats.client.api.KeyValueOperation.PUT) {
            return java.util.OptionalLong.empty();
        }
        String[] parts = new String(e.getValue(), StandardCharsets.UTF_8).split("/");
        return parts.length < 2 ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(Long.parseLong(parts[1]));
    }

    /** Gives the lease up at once (deletes the key at the revision held), so another replica need not wait for its expiry. */
    public void release() {
        if (!held.getAndSet(false)) {
            return;
        }
        try {
            bucket.delete(key, revision);
            LOG.info("{}: {} released the lease", role, holder);
        } catch (IOException | JetStreamApiException e) {
            LOG.info("{}: {} could not release the lease ({}); it expires within {} ms", role, holder, e.toString(),
                    TTL.toMillis());
        }
    }
}
