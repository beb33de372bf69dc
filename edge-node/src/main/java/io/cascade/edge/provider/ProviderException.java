package io.cascade.edge.provider;

/** An apply, remove or status call that failed; the message says why, for a person. */
public class ProviderException extends Exception {

    /** True when trying again later may succeed (an API server unreachable, a conflict). */
    private final boolean retryable;

    public ProviderException(String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.retryable = retryable;
    }

    public ProviderException(String message, boolean retryable) {
        this(message, retryable, null);
    }

    public boolean retryable() {
        return retryable;
    }
}
