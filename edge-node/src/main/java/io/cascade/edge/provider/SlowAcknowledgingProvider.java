package io.cascade.edge.provider;

import java.time.Duration;

/**
 * Another provider whose applies return {@code ackDelay} after they landed: the window in which a
 * killed edge has applied something it has not yet recorded in its journal.
 */
final class SlowAcknowledgingProvider extends ForwardingProvider {

    private final Duration ackDelay;

    SlowAcknowledgingProvider(Provider inner, Duration ackDelay) {
        super(inner);
        this.ackDelay = ackDelay;
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        delegate.apply(desired);
        try {
            Thread.sleep(ackDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("interrupted while acknowledging the apply of " + desired.app(), true, e);
        }
    }

    @Override
    public String toString() {
        return "slow(" + ackDelay + "):" + delegate;
    }
}
