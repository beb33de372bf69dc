package io.cascade.cli.e2e;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.AppHealth;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Wraps a real provider and remembers, per app, how often it was applied and what it runs now. */
final class RecordingProvider implements Provider {

    final Provider delegate;
    final Map<String, AtomicInteger> applies = new ConcurrentHashMap<>();
    final Map<String, AtomicInteger> removes = new ConcurrentHashMap<>();
    final Map<String, AppDesired> live = new ConcurrentHashMap<>();

    RecordingProvider(Provider delegate) {
        this.delegate = delegate;
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
        live.put(desired.app(), desired);
    }

    @Override
    public void remove(String app) throws ProviderException {
        delegate.remove(app);
        removes.computeIfAbsent(app, a -> new AtomicInteger()).incrementAndGet();
        live.remove(app);
    }

    @Override
    public AppHealth status(String app) throws ProviderException {
        return delegate.status(app);
    }

    @Override
    public Optional<String> appliedHash(String app) throws ProviderException {
        return delegate.appliedHash(app);
    }

    @Override
    public List<String> logs(String app, int tail) throws ProviderException {
        return delegate.logs(app, tail);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
