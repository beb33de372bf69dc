package io.cascade.bench.catchup;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.ForwardingProvider;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * One edge process's view of the site's cluster: a decorator that records every successful apply
 * (per app: how often, which intent revision last, when) and every remove, and lets the benchmark wait
 * until given revisions are live. The cluster ({@code delegate}) outlives the edge process, as a real
 * cluster keeps running while its edge agent restarts: {@link #close()} does not close it, so the next
 * edge process finds the apps where the last one left them. Thread-safe.
 */
final class ApplyRecorder extends ForwardingProvider {

    private record Applied(long intentRevision, long atNanos) {}

    private final Map<String, Integer> applies = new HashMap<>();
    private final Map<String, Applied> last = new HashMap<>();
    private int removes;
    private long firstApplyNanos = -1;

    ApplyRecorder(Provider cluster) {
        super(cluster);
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        delegate.apply(desired);
        long now = System.nanoTime();
        synchronized (this) {
            applies.merge(desired.app(), 1, Integer::sum);
            last.put(desired.app(), new Applied(desired.intentRevision(), now));
            if (firstApplyNanos < 0) {
                firstApplyNanos = now;
            }
            notifyAll();
        }
    }

    @Override
    public void remove(String app) throws ProviderException {
        delegate.remove(app);
        synchronized (this) {
            removes++;
            last.remove(app);
            notifyAll();
        }
    }

    /** The cluster stays up when the edge process stops. */
    @Override
    public void close() {
    }

    /**
     * Waits until every app of {@code revisions} was last applied at its revision. Returns when the
     * last of those applies returned ({@link System#nanoTime()}), or empty when {@code timeout} passed first.
     */
    synchronized OptionalLong awaitLive(Map<String, Long> revisions, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!live(revisions)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return OptionalLong.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
        return OptionalLong.of(revisions.keySet().stream().mapToLong(app -> last.get(app).atNanos()).max().orElse(System.nanoTime()));
    }

    private boolean live(Map<String, Long> revisions) {
        return liveCount(revisions) == revisions.size();
    }

    /** How many apps of {@code revisions} are live at their revision right now. */
    synchronized int liveCount(Map<String, Long> revisions) {
        return (int) revisions.entrySet().stream().filter(e -> {
            Applied a = last.get(e.getKey());
            return a != null && a.intentRevision() == e.getValue();
        }).count();
    }

    /** Successful applies per app so far, sorted by app. */
    synchronized Map<String, Integer> applies() {
        return new TreeMap<>(applies);
    }

    synchronized int removes() {
        return removes;
    }

    /** When the first apply returned ({@link System#nanoTime()}), or empty before any. */
    synchronized OptionalLong firstApplyNanos() {
        return firstApplyNanos < 0 ? OptionalLong.empty() : OptionalLong.of(firstApplyNanos);
    }
}
