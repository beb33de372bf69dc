package io.cascade.cli.e2e;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.ForwardingProvider;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a real provider and counts, per app, how often it was applied and removed. */
final class RecordingProvider extends ForwardingProvider {

    final Map<String, AtomicInteger> applies = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> removes = new ConcurrentHashMap<>();

    RecordingProvider(Provider delegate) {
        super(delegate);
    }

    int applies(String app) {
        return applies.getOrDefault(app, new AtomicInteger()).get();
    }

    int removes(String app) {
        return removes.getOrDefault(app, new AtomicInteger()).get();
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        delegate.apply(desired);
        applies.computeIfAbsent(desired.app(), a -> new AtomicInteger()).incrementAndGet();
    }

    @Override
    public void remove(String app) throws ProviderException {
        delegate.remove(app);
        removes.computeIfAbsent(app, a -> new AtomicInteger()).incrementAndGet();
    }
}
