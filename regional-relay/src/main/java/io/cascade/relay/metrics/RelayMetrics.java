package io.cascade.relay.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * The relay tier's meters: one holder per relay process, built from the registry its composition
 * root passes in; the tier and region come from the registry's common tags. Where a component
 * already counts (its own {@code AtomicLong}s, its queue), the holder reads those counts through
 * function counters and gauges ({@code watch*}) instead of keeping a second count; events nothing
 * counted yet are real counters, summaries and timers.
 *
 * <p>Thread-safe. A {@code watch*} method is called once per component: a second call with the same
 * names finds the first registration (Micrometer keeps the first meter of an id).
 */
public final class RelayMetrics {

    private static final String PREFIX = "cascade.relay.";

    private final MeterRegistry registry;
    private final Counter beaconsSent;
    private final DistributionSummary syncEntries;
    private final DistributionSummary syncBytes;
    private final Timer rollupLag;
    private final Queue<Object> held = new ConcurrentLinkedQueue<>();

    public RelayMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        beaconsSent = Counter.builder(PREFIX + "beacons.sent").description("Beacons with the app chain's head sent to the edges")
                .register(registry);
        syncEntries = DistributionSummary.builder(PREFIX + "sync.reply.entries")
                .description("Entries in one sync reply (all chunks)").register(registry);
        syncBytes = DistributionSummary.builder(PREFIX + "sync.reply").baseUnit("bytes")
                .description("Size of one sync reply, all chunks").register(registry);
        rollupLag = Timer.builder(PREFIX + "rollup.lag")
                .description("From the first change of the counts a rollup has not sent yet to the rollup reaching the hub's bucket")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofMinutes(1)).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The refusals of one intake ({@code status}, {@code sync}, {@code query}), logged to {@code log} at a bounded rate. */
    public Rejects rejects(String intake, org.slf4j.Logger log) {
        return new Rejects(registry, intake, log);
    }

    /**
     * The fan-out's meters.
     *
     * @param deltasPublished live deltas published so far
     * @param queueDepth      bucket changes waiting for the fan-out's thread
     * @param viewKeys        keys in the desired view (tombstones included)
     */
    public void watchFanout(LongSupplier deltasPublished, IntSupplier queueDepth, IntSupplier viewKeys) {
        functionCounter("deltas.published", "Live deltas published to the edges", deltasPublished);
        gauge("fanout.queue.depth", "Bucket changes waiting for the fan-out's thread", queueDepth);
        gauge("view.keys", "Keys in the relay's desired view, tombstones included", viewKeys);
    }

    public void beaconSent() {
        beaconsSent.increment();
    }

    /**
     * The sync service's meters.
     *
     * @param answered   requests answered
     * @param dropped    requests dropped because the queue was full
     * @param queueDepth requests waiting for a worker
     */
    public void watchSync(LongSupplier answered, LongSupplier dropped, IntSupplier queueDepth) {
        String description = "Sync requests from the edges, by outcome (dropped: the queue was full; the edge retries)";
        functionCounter("sync.requests", description, answered, "outcome", "answered");
        functionCounter("sync.requests", description, dropped, "outcome", "dropped");
        gauge("sync.queue.depth", "Sync requests waiting for a worker", queueDepth);
    }

    /** One sync reply of {@code entries} entries and {@code bytes} bytes (all chunks) went out. */
    public void syncReply(int entries, long bytes) {
        syncEntries.record(entries);
        syncBytes.record(bytes);
    }

    /**
     * The status intake's meters; each source counts reports.
     *
     * @param received   taken off the subject (before any check)
     * @param stale      acknowledged but not applied (a newer one was recorded)
     * @param acked      acknowledged
     * @param rejected   ignored as malformed or naming another site or region
     * @param dropped    dropped because the queue was full (the edge resends)
     * @param queueDepth waiting for the intake's thread
     */
    public void watchStatus(LongSupplier received, LongSupplier stale, LongSupplier acked, LongSupplier rejected,
                            LongSupplier dropped, IntSupplier queueDepth) {
        functionCounter("status.received", "Status reports taken off the subject, before any check", received);
        functionCounter("status.stale", "Status reports acknowledged but not applied: a newer one was recorded", stale);
        functionCounter("status.acked", "Status reports acknowledged", acked);
        functionCounter("status.rejected", "Status reports ignored as malformed or naming another site or region", rejected);
        functionCounter("status.dropped", "Status reports dropped because the queue was full (the edge resends)", dropped);
        gauge("status.queue.depth", "Status reports waiting for the intake's thread", queueDepth);
    }

    /**
     * Of a region served by several relay services: writes refused because another service wrote the site first
     * (each done again on the stored record), and records taken into the registry from the others' writes.
     */
    public void watchSharing(LongSupplier conflicts, LongSupplier fromPeers) {
        functionCounter("status.conflicts", "Status writes refused because another relay service wrote the site first "
                + "(done again on the stored record)", conflicts);
        functionCounter("status.from.peers", "Site records taken from the other relay services' writes to the status bucket",
                fromPeers);
    }

    /**
     * The site registry's gauges: sites online and offline now. Until the registry has loaded what the
     * relay persisted ({@code loaded}), both are NaN (no value), never a false 0/0 after a restart.
     */
    public void watchSites(java.util.function.BooleanSupplier loaded, IntSupplier online, IntSupplier offline) {
        String description = "Sites known to the relay, online or offline (silent for 3 heartbeats); no value until loaded";
        // strong references: a gauge holds its state weakly, and a collected method reference reads NaN for good
        Gauge.builder(PREFIX + "sites", online, s -> loaded.getAsBoolean() ? s.getAsInt() : Double.NaN).description(description)
                .tags("state", "online").strongReference(true).register(registry);
        Gauge.builder(PREFIX + "sites", offline, s -> loaded.getAsBoolean() ? s.getAsInt() : Double.NaN).description(description)
                .tags("state", "offline").strongReference(true).register(registry);
    }

    /**
     * The rollup publisher's meters: rollups written to the hub's bucket, attempts that failed, and whether
     * the hub is reachable (the last rollup got there: 1, else 0).
     */
    public void watchRollups(LongSupplier sent, LongSupplier failed, IntSupplier hubReachable, IntSupplier publishing) {
        gauge("rollup.publishing", "1 while this relay service sends the region's rollup (the only one, or the lease's "
                + "holder among several)", publishing);
        String description = "Region rollups to the hub's bucket, by outcome";
        functionCounter("rollups", description, sent, "outcome", "sent");
        functionCounter("rollups", description, failed, "outcome", "failed");
        gauge("hub.reachable", "1 while the relay's rollups reach the hub (its leaf link is up), 0 after one did not",
                hubReachable);
    }

    /** A rollup carried counts that first changed {@code nanos} before it reached the hub. */
    public void rollupLag(long nanos) {
        rollupLag.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** The drill-down query's meters: requests answered and dropped, requests waiting. */
    public void watchQueries(LongSupplier answered, LongSupplier dropped, IntSupplier queueDepth) {
        String description = "Drill-down (ListSites) requests from the hub, by outcome";
        functionCounter("query.requests", description, answered, "outcome", "answered");
        functionCounter("query.requests", description, dropped, "outcome", "dropped");
        gauge("query.queue.depth", "Drill-down requests waiting for the query thread", queueDepth);
    }

    private void functionCounter(String name, String description, LongSupplier source, String... tags) {
        held.add(source); // a function counter keeps only a weak reference to its source
        FunctionCounter.builder(PREFIX + name, source, s -> s.getAsLong()).description(description).tags(tags)
                .register(registry);
    }

    private void gauge(String name, String description, IntSupplier source, String... tags) {
        Gauge.builder(PREFIX + name, source, s -> s.getAsInt()).description(description).tags(tags)
                .strongReference(true).register(registry);
    }
}
