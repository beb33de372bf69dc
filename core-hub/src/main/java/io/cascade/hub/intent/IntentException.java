package io.cascade.hub.intent;

import java.io.Serial;
import java.util.Objects;

/**
 * Why an intent operation failed, with a message a person can act on. The {@link Reason} says what kind
 * of failure it is, so that the gRPC boundary maps it to a status code in one place.
 */
public final class IntentException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Reason {
        /** The request or the intent is malformed; the message lists every problem found, by field. */
        INVALID,
        /** The app has no live intent, or not the asked revision. */
        NOT_FOUND,
        /** Another writer changed the app's intent at the same time; retrying is safe. */
        CONFLICT,
        /** The hub's JetStream did not answer (timeout, no connection); retrying is safe. */
        UNAVAILABLE,
        /** The hub's JetStream refused a request, or holds something that is not what the hub wrote. */
        STORE_FAILED,
        /** The request does not fit the app's state now (e.g. resuming a rollout that is not paused). */
        PRECONDITION
    }

    private final Reason reason;

    public IntentException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public IntentException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
