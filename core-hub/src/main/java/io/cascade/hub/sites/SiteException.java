package io.cascade.hub.sites;

import java.io.Serial;
import java.util.Objects;

/** Why a call about the fleet's sites (the site set, removals, bootstrap tokens) failed, with a message a person can act on; mapped to a gRPC status in one place. */
public final class SiteException extends Exception {

    @Serial
    private static final long serialVersionUID = 1L;

    /** What kind of failure. */
    public enum Reason {
        /** The request is malformed; the message names the field. */
        INVALID,
        /** The set holds no such site. */
        NOT_FOUND,
        /** The hub's JetStream did not answer; retrying is safe. */
        UNAVAILABLE,
        /** The caller's credential (a bootstrap token) is malformed, unknown, expired, used up or revoked. */
        UNAUTHENTICATED,
        /** The credential is good but does not cover the request (region, labels). */
        PERMISSION_DENIED,
        /** The site exists with another identity. */
        ALREADY_EXISTS,
        /** The hub cannot serve the call as it was started (e.g. without a signing key). */
        FAILED_PRECONDITION
    }

    private final Reason reason;

    public SiteException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public SiteException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }
}
