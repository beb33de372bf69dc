package io.cascade.edge.metrics;

import io.micrometer.core.instrument.Timer;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One site's clock for the delta-to-applied timer: notes when a live delta that changed an app's
 * desired doc arrived, and records the time to the app's successful apply. After each reconcile
 * pass, an app neither applied nor failed did not need an apply (the delta did not change what the
 * site runs) and is forgotten; a failed one keeps its arrival, so its retries count. Deltas that
 * came through a sync are not timed. Not thread-safe: the site's own thread calls it.
 */
public final class DeltaLatency {

    private final Timer timer;
    private Map<String, Long> arrivals;

    DeltaLatency(Timer timer) {
        this.timer = timer;
    }

    /**
     * A live delta for {@code key} ({@code <region>.app.<app>} or {@code <region>.site.<site>.<app>})
     * that arrived at {@code arrivedNanos} ({@link System#nanoTime()}) was stored in the journal.
     */
    public void journaled(String key, long arrivedNanos) {
        String app = key.substring(key.lastIndexOf('.') + 1);
        if (arrivals == null) {
            arrivals = new HashMap<>();
        }
        arrivals.putIfAbsent(app, arrivedNanos);
    }

    /** A reconcile pass applied {@code applied} and failed {@code failed}. */
    public void settled(Collection<String> applied, Collection<String> failed) {
        if (arrivals == null || arrivals.isEmpty()) {
            return;
        }
        long now = System.nanoTime();
        for (String app : applied) {
            Long arrived = arrivals.remove(app);
            if (arrived != null) {
                timer.record(now - arrived, TimeUnit.NANOSECONDS);
            }
        }
        arrivals.keySet().retainAll(failed);
    }
}
