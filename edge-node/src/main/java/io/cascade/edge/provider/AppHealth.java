package io.cascade.edge.provider;

import io.cascade.proto.AppState;
import java.util.Objects;

/**
 * An app's live health as the provider sees it.
 *
 * @param state   READY, APPLYING (not ready yet), FAILED, DRIFTED (live differs from applied), or
 *                PENDING when the provider holds nothing for the app
 * @param message why, for a person (empty when READY)
 */
public record AppHealth(AppState state, String message) {

    public AppHealth {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(message, "message");
    }

    public static AppHealth ready() {
        return new AppHealth(AppState.READY, "");
    }

    public static AppHealth absent() {
        return new AppHealth(AppState.PENDING, "not applied");
    }
}
