package io.cascade.hub.intent;

import io.cascade.proto.Intent;
import java.time.Instant;
import java.util.Objects;

/**
 * An intent as stored in KV {@code intents}.
 *
 * @param revision    its intent revision (the {@code intents} KV revision)
 * @param publishedAt when the hub's JetStream stored it
 * @param intent      the intent, with every {@code Resource.sha256} filled in
 */
public record StoredIntent(long revision, Instant publishedAt, Intent intent) {

    public StoredIntent {
        Objects.requireNonNull(publishedAt, "publishedAt");
        Objects.requireNonNull(intent, "intent");
    }
}
