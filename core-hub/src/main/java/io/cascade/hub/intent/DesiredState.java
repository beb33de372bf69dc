package io.cascade.hub.intent;

import io.cascade.proto.Intent;
import io.nats.client.JetStreamApiException;
import java.io.IOException;

/**
 * The next step down from a stored intent: the app's desired docs (KV {@code desired}). Implementations
 * are idempotent, so a publish or withdrawal that failed half-way is finished by repeating it.
 */
public interface DesiredState {

    /**
     * Brings the app's desired docs in line with {@code intent}, stored as {@code intentRevision}: writes
     * the docs that differ and deletes those the intent no longer has.
     */
    void render(long intentRevision, Intent intent) throws IOException, JetStreamApiException, InterruptedException;

    /** Deletes every desired doc of {@code app} (app docs and override docs, in every region). */
    void withdraw(String app) throws IOException, JetStreamApiException, InterruptedException;
}
