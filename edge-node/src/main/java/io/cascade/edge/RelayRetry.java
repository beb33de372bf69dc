package io.cascade.edge;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One kind of request a site makes to its relay (a sync, a status report): its backoff, which doubles from
 * {@code retryMin} up to {@code retryMax}, whether it failed since it last succeeded, and how often it failed. Used on
 * the site's thread only; {@link #failures()} may be read anywhere.
 */
final class RelayRetry {

    private final Duration min;
    private final Duration max;
    private Duration backoff;
    private boolean failedSinceSuccess;
    private final AtomicInteger failures = new AtomicInteger();

    RelayRetry(Duration min, Duration max) {
        this.min = min;
        this.max = max;
        this.backoff = min;
    }

    void succeeded() {
        backoff = min;
        failedSinceSuccess = false;
    }

    void failed() {
        failedSinceSuccess = true;
        failures.incrementAndGet();
    }

    /** The wait before the next try; the one after it is twice as long, up to the maximum. */
    Duration nextWait() {
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(max) > 0 ? max : backoff.multipliedBy(2);
        return wait;
    }

    /**
     * The relay is back: whether this failed while it was away. If so the backoff starts over and the failure is
     * forgotten (the caller retries now; a failure of that retry is recorded again).
     */
    boolean relayBack() {
        if (!failedSinceSuccess) {
            return false;
        }
        failedSinceSuccess = false;
        backoff = min;
        return true;
    }

    /** Failures since the site started. */
    int failures() {
        return failures.get();
    }
}
