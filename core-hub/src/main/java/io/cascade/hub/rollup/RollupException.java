package io.cascade.hub.rollup;

import java.io.Serial;
import java.util.Objects;

/**
 * Why a rollup or drill-down call failed, with a message a person can act on. The {@link Reason} says
 * what kind of failure it is, so that the gRPC boundary maps it to a status code in one place.
 */
public final class RollupException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Reason {
        /** The request is malformed (a name, a filter, a page token); the message names the field. */
        INVALID,
        /** The app has no live intent. */
        NOT_FOUND,
        /** The hub's JetStream did not answer; retrying is safe. */
        UNAVAILABLE
    }

    private final Reason reason;

    public RollupException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public RollupException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
