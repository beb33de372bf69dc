package io.cascade.edge.provider;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Another provider whose applies return {@code ackDelay} after they landed: the window in which a
 * killed edge has applied something it has not yet recorded in its journal.
 */
final class SlowAcknowledgingProvider implements Provider {

    private final Provider inner;
    private final Duration ackDelay;

    SlowAcknowledgingProvider(Provider inner, Duration ackDelay) {
        this.inner = inner;
        this.ackDelay = ackDelay;
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        inner.apply(desired);
        try {
            Thread.sleep(ackDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("interrupted while acknowledging the apply of " + desired.app(), true, e);
        }
    }

    @Override
    public void remove(String app) throws ProviderException {
        inner.remove(app);
    }

    @Override
    public AppHealth status(String app) throws ProviderException {
        return inner.status(app);
    }

    @Override
    public Optional<String> appliedHash(String app) throws ProviderException {
        return inner.appliedHash(app);
    }

    @Override
    public List<String> logs(String app, int tail) throws ProviderException {
        return inner.logs(app, tail);
    }

    @Override
    public void close() {
        inner.close();
    }

    @Override
    public String toString() {
        return "slow(" + ackDelay + "):" + inner;
    }
}
