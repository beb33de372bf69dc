package io.cascade.bench.fleet;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.ForwardingProvider;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/**
 * When each site last applied one app, as its provider returned: a scenario wraps every site's provider with
 * {@link #recording} and reads who applied which revision when.
 */
public final class Applies {

    private final String app;
    /** Site → [intent revision, nanoTime] of its latest apply of the app. */
    private final Map<String, long[]> latest = new ConcurrentHashMap<>();

    public Applies(String app) {
        this.app = app;
    }

    /** {@code delegate}, recording each apply of the app by {@code site}. */
    public Provider recording(String site, Provider delegate) {
        return new ForwardingProvider(delegate) {
            @Override
            public void apply(AppDesired desired) throws ProviderException {
                delegate.apply(desired);
                if (desired.app().equals(app)) {
                    latest.put(site, new long[] {desired.intentRevision(), System.nanoTime()});
                }
            }
        };
    }

    /** Site → [intent revision, nanoTime] of its latest apply (a live view). */
    public Map<String, long[]> latest() {
        return latest;
    }

    /** Sites whose latest apply is of revision {@code v}. */
    public int at(long v) {
        return (int) latest.values().stream().filter(a -> a[0] == v).count();
    }

    /** Polls {@code done} every 20 ms until it holds; fails naming {@code what} after {@code within}. */
    public static void await(String scenario, String what, BooleanSupplier done, java.time.Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("bench " + scenario + ": timed out after " + within.toSeconds()
                        + " s waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
