package io.cascade.edge.provider;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/** A provider that hands every call to another; decorators override the calls they change. */
public abstract class ForwardingProvider implements Provider {

    protected final Provider delegate;

    protected ForwardingProvider(Provider delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        delegate.apply(desired);
    }

    @Override
    public void remove(String app) throws ProviderException {
        delegate.remove(app);
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
