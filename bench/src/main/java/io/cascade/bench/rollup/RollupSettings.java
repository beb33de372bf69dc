package io.cascade.bench.rollup;

import io.cascade.bench.Edges;
import java.time.Duration;
import java.util.Objects;

/**
 * How a rollup run is shaped, validated once.
 *
 * @param edges              sites, split evenly over the two regions
 * @param heartbeat          the edges' status heartbeat period (both variants)
 * @param duration           the measured window of each variant
 * @param settle             wait between "every site reported" and the window, so the rollout's traffic is left out
 * @param connectParallelism flat connections opened at the same time
 * @param setupTimeout       how long starting the edges and waiting for every site's report may take
 */
record RollupSettings(int edges, Duration heartbeat, Duration duration, Duration settle, int connectParallelism,
                      Duration setupTimeout) {

    /** The bounds of {@code SiteStatus.heartbeat_interval}. */
    static final Duration MIN_HEARTBEAT = Duration.ofSeconds(1);
    static final Duration MAX_HEARTBEAT = Duration.ofMinutes(10);

    RollupSettings {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(settle, "settle");
        Objects.requireNonNull(setupTimeout, "setupTimeout");
        Edges.require(edges);
        if (heartbeat.compareTo(MIN_HEARTBEAT) < 0 || heartbeat.compareTo(MAX_HEARTBEAT) > 0) {
            throw new IllegalArgumentException("--heartbeat must be between 1s and 10m, got " + heartbeat);
        }
        if (duration.isNegative() || duration.isZero() || settle.isNegative() || setupTimeout.isNegative()
                || setupTimeout.isZero()) {
            throw new IllegalArgumentException("--duration and --setup-timeout must be positive and --settle not negative, got "
                    + duration + ", " + setupTimeout + ", " + settle);
        }
        if (connectParallelism < 1) {
            throw new IllegalArgumentException("--connect-parallelism must be at least 1, got " + connectParallelism);
        }
    }

    /** The settle used when none is given: two heartbeats, so every site has sent one after its full report. */
    static Duration defaultSettle(Duration heartbeat) {
        return heartbeat.multipliedBy(2);
    }
}
