package io.cascade.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;

/**
 * The edge tier's meters: one holder per edge process, shared by every site the process runs (one
 * on a device, thousands in a benchmark), built from the registry its composition root passes in.
 * No meter is tagged by site: that would be one series per site and meter; the region (and tier)
 * come from the registry's common tags. Per-site state lives in the site's own objects
 * ({@link DeltaLatency}, the sources given to {@link #watchSite}).
 *
 * <p>Thread-safe: every site's thread records here.
 */
public final class EdgeMetrics {

    private static final String PREFIX = "cascade.edge.";

    private final MeterRegistry registry;
    private final Counter deltasReceived;
    private final Counter deltasApplied;
    private final Counter gaps;
    private final Counter relayDisconnects;
    private final DistributionSummary syncEntries;
    private final DistributionSummary syncBytes;
    private final Counter appliesOk;
    private final Counter appliesFailed;
    private final Counter removesOk;
    private final Counter removesFailed;
    private final Counter driftRepairs;
    private final Timer applyDuration;
    private final Timer deltaToApplied;
    private final Counter reportsSent;
    private final Counter heartbeatsSent;
    private final Counter statusAcked;
    private final Counter statusUnacked;
    private final Counter inboxDropped;
    private final Set<Site> sites = ConcurrentHashMap.newKeySet();

    /** A watched site's sources for the process-wide gauges (identity: one per site). */
    private static final class Site {
        final IntSupplier inboxDepth;
        final BooleanSupplier outboxPending;

        Site(IntSupplier inboxDepth, BooleanSupplier outboxPending) {
            this.inboxDepth = inboxDepth;
            this.outboxPending = outboxPending;
        }
    }

    public EdgeMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        deltasReceived = counter("deltas.received", "Live deltas that reached a site's feed");
        deltasApplied = counter("deltas.applied", "Live deltas stored in a site's journal");
        gaps = counter("gaps", "Live deltas that did not follow the site's chain mark (each triggers a sync)");
        relayDisconnects = counter("relay.disconnects", "A site's connection to its relay lost (closed, or dead by its pings); "
                + "it reconnects by itself");
        syncEntries = DistributionSummary.builder(PREFIX + "sync.entries")
                .description("Entries in a complete sync reply").register(registry);
        syncBytes = DistributionSummary.builder(PREFIX + "sync.reply").baseUnit("bytes")
                .description("Size of a complete sync reply, all chunks").register(registry);
        appliesOk = counter("applies", "Provider applies", "outcome", "ok");
        appliesFailed = counter("applies", "Provider applies", "outcome", "failed");
        removesOk = counter("removes", "Provider removes of apps no longer desired", "outcome", "ok");
        removesFailed = counter("removes", "Provider removes of apps no longer desired", "outcome", "failed");
        driftRepairs = counter("drift.repairs", "Applies again of apps the provider found drifted");
        applyDuration = Timer.builder(PREFIX + "apply.duration").description("Duration of one provider apply, either outcome")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(2)).register(registry);
        deltaToApplied = Timer.builder(PREFIX + "delta.to.applied")
                .description("From a live delta's arrival at the site to its app being applied (retries included)")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry);
        reportsSent = counter("status.sent", "Status requests sent to the relay", "kind", "report");
        heartbeatsSent = counter("status.sent", "Status requests sent to the relay", "kind", "heartbeat");
        statusAcked = counter("status.acked", "Status requests the relay acknowledged");
        statusUnacked = counter("status.unacked", "Status requests not acknowledged in time (resent with backoff)");
        inboxDropped = counter("inbox.dropped", "Events dropped because a site's inbox was full (a sync follows)");
        Gauge.builder(PREFIX + "inbox.depth", sites, s -> s.stream().mapToInt(w -> w.inboxDepth.getAsInt()).sum())
                .description("Events queued in the sites' inboxes, all sites").strongReference(true).register(registry);
        Gauge.builder(PREFIX + "outbox.pending", sites, s -> s.stream().filter(w -> w.outboxPending.getAsBoolean()).count())
                .baseUnit("sites").description("Sites whose latest status report is not acknowledged yet")
                .strongReference(true).register(registry);
        Gauge.builder(PREFIX + "sites", sites, Set::size).description("Sites this process runs")
                .strongReference(true).register(registry);
    }

    private Counter counter(String name, String description, String... tags) {
        return Counter.builder(PREFIX + name).description(description).tags(tags).register(registry);
    }

    /**
     * Counts a site in the inbox and outbox gauges until the returned action runs (on close).
     *
     * @param inboxDepth    events queued in the site's inbox
     * @param outboxPending whether the site's latest status report waits for an acknowledgement
     */
    public Runnable watchSite(IntSupplier inboxDepth, BooleanSupplier outboxPending) {
        Site site = new Site(inboxDepth, outboxPending);
        sites.add(site);
        return () -> sites.remove(site);
    }

    /** A new site's delta-to-applied clock; one per site. */
    public DeltaLatency newDeltaLatency() {
        return new DeltaLatency(deltaToApplied);
    }

    public void deltaReceived() {
        deltasReceived.increment();
    }

    public void deltaApplied() {
        deltasApplied.increment();
    }

    public void gap() {
        gaps.increment();
    }

    /** A site's connection to its relay was lost (the client logs it too). */
    public void relayDisconnected() {
        relayDisconnects.increment();
    }

    /**
     * A sync attempt ended.
     *
     * @param reason its reason class (start, reconnect, gap, beacon, safety, retry, overflow)
     * @param ok     whether a complete reply came and was stored
     */
    public void sync(String reason, boolean ok) {
        Counter.builder(PREFIX + "syncs").description("Sync requests to the relay, by reason and outcome")
                .tags("reason", reason, "outcome", ok ? "ok" : "failed").register(registry).increment();
    }

    /** A complete sync reply was stored. */
    public void syncReply(int entries, long bytes) {
        syncEntries.record(entries);
        syncBytes.record(bytes);
    }

    /** One provider apply took {@code nanos}. */
    public void applied(long nanos, boolean ok) {
        applyDuration.record(nanos, TimeUnit.NANOSECONDS);
        (ok ? appliesOk : appliesFailed).increment();
    }

    public void removed(boolean ok) {
        (ok ? removesOk : removesFailed).increment();
    }

    public void driftRepair() {
        driftRepairs.increment();
    }

    public void statusSent(boolean heartbeat) {
        (heartbeat ? heartbeatsSent : reportsSent).increment();
    }

    public void statusAcked() {
        statusAcked.increment();
    }

    public void statusUnacked() {
        statusUnacked.increment();
    }

    public void inboxDropped() {
        inboxDropped.increment();
    }
}
