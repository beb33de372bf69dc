package io.cascade.bench.raw;

import io.cascade.bench.Edges;
import java.time.Duration;
import java.util.Objects;

/**
 * How a raw fan-out run is shaped, validated once.
 *
 * @param edges              subscriber connections, split evenly across the relays
 * @param rounds             measured rounds of each variant
 * @param warmupRounds       rounds of each variant run first and not reported
 * @param connectParallelism connections opened at the same time
 * @param roundTimeout       how long one round may take before its missing deliveries are reported
 * @param setupTimeout       how long connecting and waiting for the hub to see every subscription may take
 */
public record RawFanoutSettings(int edges, int rounds, int warmupRounds, int connectParallelism,
                                Duration roundTimeout, Duration setupTimeout) {

    public RawFanoutSettings {
        Objects.requireNonNull(roundTimeout, "roundTimeout");
        Objects.requireNonNull(setupTimeout, "setupTimeout");
        Edges.require(edges);
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1, got " + rounds);
        }
        if (warmupRounds < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmupRounds);
        }
        if (connectParallelism < 1) {
            throw new IllegalArgumentException("--connect-parallelism must be at least 1, got " + connectParallelism);
        }
        if (roundTimeout.isNegative() || roundTimeout.isZero() || setupTimeout.isNegative() || setupTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive, got round " + roundTimeout + ", setup " + setupTimeout);
        }
    }

    /** Messages each subscriber is sent an id for: 2 interest probes, then both variants per round. */
    int messageIds() {
        return 2 + 2 * (warmupRounds + rounds);
    }
}
