package io.cascade.edge;

import java.time.Duration;
import java.util.Objects;

/**
 * The edge's timers, read once and validated.
 *
 * @param beaconGrace     how long the relay's beacon may stay ahead of the app mark before a sync
 * @param syncTimeout     how long a sync waits for its complete reply
 * @param safetySync      period of the slow safety-net sync (jittered ±20 %)
 * @param reconcilePeriod period of the drift check and retry pass while nothing changes
 * @param retryMin        first backoff after a failed sync (doubles, jittered)
 * @param retryMax        largest backoff after failed syncs and status reports
 * @param heartbeat       period of the status heartbeat (jittered ±20 %); the relay marks a site
 *                        offline after 3 silent periods
 */
public record EdgeTuning(Duration beaconGrace, Duration syncTimeout, Duration safetySync, Duration reconcilePeriod,
                         Duration retryMin, Duration retryMax, Duration heartbeat) {

    public static final EdgeTuning DEFAULTS = new EdgeTuning(Duration.ofSeconds(3), Duration.ofSeconds(5),
            Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMillis(500), Duration.ofSeconds(30),
            Duration.ofSeconds(10));

    public EdgeTuning {
        for (Duration d : new Duration[] {beaconGrace, syncTimeout, safetySync, reconcilePeriod, retryMin, retryMax, heartbeat}) {
            Objects.requireNonNull(d, "duration");
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("edge timers must be positive, got " + d);
            }
        }
        if (retryMax.compareTo(retryMin) < 0) {
            throw new IllegalArgumentException("retryMax " + retryMax + " is below retryMin " + retryMin);
        }
    }
}
