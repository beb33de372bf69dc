package io.cascade.hub.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * The hub tier's meters: one holder per hub process, built from the registry its composition root
 * passes in; the tier comes from the registry's common tags. Region tags are bounded by the fleet's
 * regions; no meter is tagged by app or site.
 *
 * <p>Thread-safe.
 */
public final class HubMetrics {

    private static final String PREFIX = "cascade.hub.";
    private static final String PUBLISHED = PREFIX + "intents.published";
    private static final String PUBLISHED_HELP = "PublishIntent calls, by outcome (failed: a conflict or the store)";

    /** How a rollout moved: by the controller's decision or an operator's call. */
    public enum Action {
        ADVANCE, PROMOTE, PAUSE, RESUME, ROLLBACK;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    private final Counter published;
    private final Counter unchanged;
    private final Counter invalid;
    private final Counter failed;
    private final Timer publishDuration;
    private final Counter withdrawn;
    private final Counter merges;
    private final Counter listSites;

    public HubMetrics(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
        published = publishOutcome("published");
        unchanged = publishOutcome("unchanged");
        invalid = publishOutcome("invalid");
        failed = publishOutcome("failed");
        publishDuration = Timer.builder(PREFIX + "intent.publish.duration")
                .description("Duration of an accepted PublishIntent: validate, store, render the desired docs")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(30)).register(registry);
        withdrawn = Counter.builder(PREFIX + "intents.withdrawn").description("Intents withdrawn").register(registry);
        merges = Counter.builder(PREFIX + "rollup.merges")
                .description("Global rollup merges (one per batch of region rollups and desired-doc changes)").register(registry);
        listSites = Counter.builder(PREFIX + "listsites.requests").description("ListSites calls").register(registry);
    }

    private Counter publishOutcome(String outcome) {
        return Counter.builder(PUBLISHED).description(PUBLISHED_HELP).tag("outcome", outcome).register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** An intent was accepted in {@code nanos}: stored as a new revision, or equal to the current one. */
    public void published(boolean wasUnchanged, long nanos) {
        (wasUnchanged ? unchanged : published).increment();
        publishDuration.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** A publish was refused: the intent was invalid, or (else) a conflict or the store failed it. */
    public void publishRefused(boolean wasInvalid) {
        (wasInvalid ? invalid : failed).increment();
    }

    public void withdrawn() {
        withdrawn.increment();
    }

    /** A region's rollup arrived in KV {@code rollup} (taken or, when stale, ignored). */
    public void rollupReceived(String region) {
        Counter.builder(PREFIX + "rollups.received").description("Region rollups received from the relays")
                .tag("region", region).register(registry).increment();
    }

    /**
     * Gauges of a region's liveness: seconds since its last rollup arrived and whether it is stale (1) or
     * fresh (0). Registering a region again is a no-op.
     */
    public void regionLiveness(String region, java.util.function.DoubleSupplier silentSeconds,
                               java.util.function.BooleanSupplier stale) {
        // strong references: a gauge holds its state weakly by default, and these lambdas have no other holder (a
        // collected one reads NaN: RollupIT failed on it in a clean clone)
        Gauge.builder(PREFIX + "region.silent.seconds", silentSeconds, java.util.function.DoubleSupplier::getAsDouble)
                .description("Seconds since the region's last rollup arrived").tag("region", region).strongReference(true)
                .register(registry);
        Gauge.builder(PREFIX + "region.stale", stale, s -> s.getAsBoolean() ? 1 : 0)
                .description("1 while the region is stale (silent past 3 x its rollup heartbeat), else 0")
                .tag("region", region).strongReference(true).register(registry);
    }

    public void merged() {
        merges.increment();
    }

    /** The WatchRollup streams open now. */
    public void watchStreams(IntSupplier open) {
        Gauge.builder(PREFIX + "watch.streams", open, s -> s.getAsInt()).description("WatchRollup streams open")
                .strongReference(true).register(registry);
    }

    public void listSites() {
        listSites.increment();
    }

    /** A relay left out of a ListSites page because it did not answer in time. */
    public void relayTimeout(String region) {
        Counter.builder(PREFIX + "listsites.relay.timeouts").description("Relays that did not answer a ListSites page in time")
                .tag("region", region).register(registry).increment();
    }

    /** A rollout moved; {@code operator} when an operator's call moved it, else the controller. */
    public void rolloutStep(Action action, boolean operator) {
        Counter.builder(PREFIX + "rollout.steps").description("Rollout steps, by action and by whom")
                .tags("action", action.tag(), "by", operator ? "operator" : "controller").register(registry).increment();
    }
}
