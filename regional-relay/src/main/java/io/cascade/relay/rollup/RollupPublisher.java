package io.cascade.relay.rollup;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.cascade.proto.RegionRollup;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.relay.status.SiteRegistry;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.Lease;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the region's {@link RegionRollup} up: a put of key {@code <region>} into the hub's KV
 * {@code rollup}, across the leaf link in JetStream domain {@code core}. At most every 500 ms when
 * the counts changed, and every {@link #HEARTBEAT} regardless (the rollup says so; the hub marks the
 * region stale after 3 heartbeats without one), so the hub's inbound load is O(regions), whatever the
 * number of sites. The sequence increases across restarts: the first contact reads the last
 * rollup the region left in the bucket and continues from it.
 *
 * <p>While the hub's bucket is missing or the link is down, one INFO line marks the outage and one
 * its end; attempts go on with jittered backoff (250 ms doubling to 500 ms: a failed attempt is one
 * request, and while the leaf link is down it fails at once with no responders), so a region is back at
 * the hub within about half a second of its link. Nothing is sent before the
 * registry is {@linkplain SiteRegistry#ready() ready}, so a restart does not publish empty counts.
 *
 * <p>Of several relay services of one region (sharing the status bucket, so their registries agree) only the
 * holder of the region's {@link Lease#ROLLUP_PUBLISHER} lease sends: the hub gets one sequence per region.
 */
public final class RollupPublisher implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RollupPublisher.class);
    static final Duration MIN_GAP = Duration.ofMillis(500);
    /** The longest between two rollups; sent in each, so the hub knows when the region is overdue. */
    public static final Duration HEARTBEAT = Duration.ofSeconds(3);
    static final Duration TICK = Duration.ofMillis(100);
    static final Duration RETRY_FIRST = Duration.ofMillis(250);
    static final Duration RETRY_MAX = Duration.ofMillis(500);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(2);
    static final Duration LEASE_TICK = Duration.ofMillis(250);

    private final Connection nats;
    private final SiteRegistry sites;
    private final String region;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong sequence = new AtomicLong();
    private volatile boolean reachable;
    private final RelayMetrics metrics;
    private final Lease lease;
    /** Takes and renews the lease apart from the sends: a send waiting on the hub never delays a renewal. */
    private final ScheduledExecutorService leaseTicks;
    /** Set by the lease thread when this service (again) holds the lease; the timer thread then starts a new term. */
    private volatile boolean newTerm;
    // owned by the timer thread
    private KeyValue hub;
    private boolean resumed;
    private boolean everSent;
    private long sentVersion;
    private long lastSentNanos;
    private long nextAttemptNanos;
    private boolean unsent;
    private long firstUnsentNanos;
    private int failuresInRow;
    private boolean started;
    private boolean closed;

    public RollupPublisher(Connection nats, SiteRegistry sites, Clock clock, RelayMetrics metrics) {
        this(nats, sites, clock, metrics, null);
    }

    /**
     * @param lease the region's rollup publisher lease when several relay services serve the region (only its
     *              holder sends; a new holder resumes the sequence from the hub's bucket); null for the only one
     */
    public RollupPublisher(Connection nats, SiteRegistry sites, Clock clock, RelayMetrics metrics, Lease lease) {
        this.lease = lease;
        this.leaseTicks = lease == null ? null : Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("rollup-lease-" + sites.region()).daemon().factory());
        this.nats = nats;
        this.metrics = metrics;
        this.sites = sites;
        this.region = sites.region();
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("rollup-" + region).daemon().factory());
        this.lastSentNanos = System.nanoTime();
        this.nextAttemptNanos = lastSentNanos;
        metrics.watchRollups(sent::get, failed::get, this::hubReachable, () -> publishing() ? 1 : 0);
    }

    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        if (leaseTicks != null) {
            leaseTicks.scheduleWithFixedDelay(this::holdLease, 0, LEASE_TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
        timer.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void holdLease() {
        try {
            boolean had = lease.held();
            if (lease.hold() && !had) {
                newTerm = true;
            }
        } catch (RuntimeException e) {
            LOG.warn("region {}: rollup lease check failed: {}", region, e.toString());
        }
    }

    /**
     * Whether this service sends the rollup now: always when it is the region's only one; else while it holds the
     * lease. A new term re-reads the sequence from the hub's bucket (the previous holder went on from it) and sends
     * at once.
     */
    private boolean publishes() {
        if (lease == null) {
            return true;
        }
        if (!lease.valid()) {
            return false;
        }
        if (newTerm) {
            newTerm = false;
            hub = null;
            resumed = false;
            everSent = false;
        }
        return true;
    }

    private void tick() {
        try {
            if (!sites.ready() || !publishes()) {
                return;
            }
            long now = System.nanoTime();
            boolean changed = sites.version() != sentVersion;
            if (changed && !unsent) {
                // the lag's clock starts at the first tick that sees the change (within TICK of it)
                unsent = true;
                firstUnsentNanos = now;
            }
            if (now - nextAttemptNanos < 0) {
                return;
            }
            long since = now - lastSentNanos;
            boolean due = !everSent || (changed && since >= MIN_GAP.toNanos()) || since >= HEARTBEAT.toNanos();
            if (due) {
                send(now);
            }
        } catch (RuntimeException e) {
            LOG.warn("region {}: rollup tick failed: {}", region, e.toString());
        }
    }

    private void send(long now) {
        try {
            KeyValue kv = hubBucket();
            SiteRegistry.Snapshot s = sites.snapshot();
            Instant at = clock.instant();
            RegionRollup rollup = RegionRollup.newBuilder()
                    .setRegion(region)
                    .setRelayTime(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                    .setSequence(sequence.incrementAndGet())
                    .addAllIntents(s.intents())
                    .setSitesOnline(s.sitesOnline())
                    .setSitesOffline(s.sitesOffline())
                    .setHeartbeat(com.google.protobuf.util.Durations.fromMillis(HEARTBEAT.toMillis()))
                    .build();
            kv.put(region, rollup.toByteArray());
            sent.incrementAndGet();
            if (unsent && s.version() != sentVersion) {
                metrics.rollupLag(System.nanoTime() - firstUnsentNanos);
            }
            unsent = false;
            everSent = true;
            sentVersion = s.version();
            lastSentNanos = now;
            if (failuresInRow > 0) {
                LOG.info("region {}: rollup reaches the hub again (sequence {}, after {} failed attempt(s))", region,
                        rollup.getSequence(), failuresInRow);
            }
            failuresInRow = 0;
            reachable = true;
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            failed.incrementAndGet();
            hub = null;
            reachable = false;
            if (failuresInRow++ == 0) {
                LOG.warn("region {}: the hub is unreachable: the rollup cannot reach its bucket {} in domain {} ({}); "
                        + "retrying until it can", region, Subjects.KV_ROLLUP, Subjects.HUB_DOMAIN, e.toString());
            }
            nextAttemptNanos = System.nanoTime() + backoff(failuresInRow);
        }
    }

    /** The hub's bucket, opened on first use; on first contact the sequence resumes from the region's last rollup. */
    private KeyValue hubBucket() throws IOException, JetStreamApiException {
        if (hub != null) {
            return hub;
        }
        KeyValue kv = nats.keyValue(Subjects.KV_ROLLUP, KeyValueOptions.builder()
                .jsDomain(Subjects.HUB_DOMAIN)
                .jsRequestTimeout(REQUEST_TIMEOUT)
                .build());
        if (!resumed) {
            KeyValueEntry last = kv.get(region);
            if (last != null && last.getValue() != null) {
                try {
                    long was = RegionRollup.parseFrom(last.getValue()).getSequence();
                    sequence.accumulateAndGet(was, Math::max);
                } catch (InvalidProtocolBufferException e) {
                    LOG.warn("region {}: the last rollup in the hub's bucket is unreadable ({}); sequence goes on from {}",
                            region, e.getMessage(), sequence.get());
                }
            }
            resumed = true;
            LOG.info("region {}: rollup to the hub, sequence resumes after {}", region, sequence.get());
        }
        hub = kv;
        return kv;
    }

    private static long backoff(int failures) {
        long base = RETRY_FIRST.toNanos() << Math.min(failures - 1, 4);
        long capped = Math.min(base, RETRY_MAX.toNanos());
        return (long) (capped * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }

    /** 1 while the last rollup reached the hub's bucket, 0 after one did not (or before the first got there). */
    public int hubReachable() {
        return reachable ? 1 : 0;
    }

    /** Rollups written to the hub's bucket. */
    public long sent() {
        return sent.get();
    }

    /** Attempts that did not reach the hub's bucket. */
    public long failed() {
        return failed.get();
    }

    /** The sequence of the last rollup attempted. */
    public long sequence() {
        return sequence.get();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdown();
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
            timer.shutdownNow();
        }
        if (leaseTicks != null) {
            leaseTicks.shutdownNow();
            leaseTicks.awaitTermination(5, TimeUnit.SECONDS);
            lease.release(); // the other relay service takes over at once instead of after the lease's expiry
        }
    }

    /** Whether this service sends the region's rollup now (the only one, or the lease's holder). */
    public boolean publishing() {
        return lease == null || lease.valid();
    }
}
