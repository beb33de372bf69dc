package io.cascade.bench.fanout;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.ForwardingProvider;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When each simulated site applied which intent revision of the measured app: its provider is
 * wrapped so a successful apply records {@code System.nanoTime()} and the revision (same JVM clock
 * as the publish). Only the latest apply per site is kept; a round reads the sites at its revision.
 */
final class ApplyClock {

    private final String app;
    private final Map<String, Integer> index;
    private final AtomicLongArray revisions;
    private final AtomicLongArray times;

    /** @param sites every site's name; a site's slot is its position */
    ApplyClock(String app, Map<String, Integer> sites) {
        this.app = app;
        this.index = Map.copyOf(sites);
        this.revisions = new AtomicLongArray(sites.size());
        this.times = new AtomicLongArray(sites.size());
    }

    /** {@code delegate}, recording its successful applies of the measured app for {@code site}. */
    Provider wrap(String site, Provider delegate) {
        Integer slot = index.get(site);
        if (slot == null) {
            throw new IllegalArgumentException("site " + site + " is not in the run");
        }
        return new ForwardingProvider(delegate) {
            @Override
            public void apply(AppDesired desired) throws ProviderException {
                delegate.apply(desired);
                if (desired.app().equals(app)) {
                    times.set(slot, System.nanoTime());
                    revisions.set(slot, desired.intentRevision());
                }
            }
        };
    }

    int sites() {
        return revisions.length();
    }

    /** Sites whose latest apply of the app is at {@code revision}. */
    int appliedAt(long revision) {
        int n = 0;
        for (int i = 0; i < revisions.length(); i++) {
            if (revisions.get(i) == revision) {
                n++;
            }
        }
        return n;
    }

    /** Sorted nanoseconds from {@code sentAt} to each site's apply of {@code revision} (sites that did not left out). */
    long[] sortedLatencies(long revision, long sentAt) {
        long[] out = new long[revisions.length()];
        int n = 0;
        for (int i = 0; i < revisions.length(); i++) {
            if (revisions.get(i) == revision) {
                out[n++] = times.get(i) - sentAt;
            }
        }
        long[] lat = Arrays.copyOf(out, n);
        Arrays.sort(lat);
        return lat;
    }
}
