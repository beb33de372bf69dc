package io.cascade.bench.fanout;

import io.cascade.bench.Edges;
import io.cascade.edge.EdgeTuning;
import java.time.Duration;
import java.util.Objects;

/**
 * How a fan-out run is shaped, validated once.
 *
 * @param edges        simulated sites, split evenly over the two regions
 * @param rounds       measured rounds (raw and Cascade each)
 * @param warmupRounds rounds run first and not reported
 * @param roundTimeout how long one round may take before its missing sites are reported
 * @param setupTimeout how long connecting and coming online may take
 * @param tuning       the edges' timers
 */
record FanoutSettings(int edges, int rounds, int warmupRounds, Duration roundTimeout, Duration setupTimeout,
                      EdgeTuning tuning) {

    FanoutSettings {
        Objects.requireNonNull(tuning, "tuning");
        Edges.require(edges);
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmupRounds);
        }
    }
}
