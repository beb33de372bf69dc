package io.cascade.hub.intent;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.Intent;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * KV {@code intents}: key {@code <app>}, value the deterministically serialized {@link Intent}, history
 * kept by the bucket. Writes are compare-and-set on the key's last revision, so two writers of one app
 * cannot overwrite each other unseen.
 */
final class IntentStore {

    /** JetStream's "wrong last sequence" API error: the compare-and-set lost. */
    static final int WRONG_LAST_SEQUENCE = 10071;

    private final KeyValue bucket;
    private final JetStream jetStream;

    IntentStore(KeyValue bucket, JetStream jetStream) {
        this.bucket = bucket;
        this.jetStream = jetStream;
    }

    /** The app's live intent, or null when it has none (never published, or withdrawn). */
    StoredIntent latest(String app) throws IOException, JetStreamApiException, IntentException {
        KeyValueEntry entry = bucket.get(app);
        return entry == null ? null : decode(entry);
    }

    /** The app's intent at {@code revision}, or null when that revision is not a live put of this app. */
    StoredIntent at(String app, long revision) throws IOException, JetStreamApiException, IntentException {
        KeyValueEntry entry = bucket.get(app, revision);
        return entry == null ? null : decode(entry);
    }

    /**
     * Stores {@code intent} as the app's new revision, provided the app's last revision is still
     * {@code expected} (null: the app has no live intent).
     *
     * @return the new intent revision
     */
    long put(Intent intent, StoredIntent expected) throws IOException, JetStreamApiException {
        byte[] value = deterministic(intent);
        return expected == null
                ? bucket.create(intent.getApp(), value)
                : bucket.update(intent.getApp(), value, expected.revision());
    }

    /**
     * Deletes the app's key (history kept), provided its last revision is still {@code expected}.
     * {@code KeyValue.delete} returns nothing, so this writes the KV delete marker itself (an empty
     * message with header {@code KV-Operation: DEL}, as the KV protocol defines it) to learn its revision.
     *
     * @return the revision of the delete
     */
    long delete(String app, long expected) throws IOException, JetStreamApiException {
        NatsMessage marker = NatsMessage.builder()
                .subject("$KV." + bucket.getBucketName() + "." + app)
                .headers(new Headers().put("KV-Operation", "DEL"))
                .build();
        return jetStream.publish(marker, PublishOptions.builder().expectedLastSubjectSequence(expected).build())
                .getSeqno();
    }

    /** The apps with a live intent (in no particular order). */
    List<String> apps() throws IOException, JetStreamApiException, InterruptedException {
        return bucket.keys();
    }

    private static StoredIntent decode(KeyValueEntry entry) throws IntentException {
        try {
            return new StoredIntent(entry.getRevision(), entry.getCreated().toInstant(), Intent.parseFrom(entry.getValue()));
        } catch (InvalidProtocolBufferException e) {
            throw new IntentException(IntentException.Reason.STORE_FAILED, "KV " + entry.getBucket() + " key "
                    + entry.getKey() + " revision " + entry.getRevision() + " does not hold an Intent: " + e.getMessage(), e);
        }
    }

    /** Map entries sorted by key, so equal intents are equal bytes. */
    private static byte[] deterministic(Intent intent) {
        byte[] out = new byte[intent.getSerializedSize()];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        stream.useDeterministicSerialization();
        try {
            intent.writeTo(stream);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing into an array of its exact size cannot fail", e);
        }
        stream.checkNoSpaceLeft();
        return out;
    }
}
