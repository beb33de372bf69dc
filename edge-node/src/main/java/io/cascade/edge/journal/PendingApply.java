package io.cascade.edge.journal;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * An apply that was started and has not been recorded as finished: written by
 * {@link Journal#beginApply} before the provider is called, cleared by {@link Journal#recordApplied},
 * {@link Journal#recordFailed} or {@link Journal#recordRemoved}. One found after a restart means the
 * edge stopped while the provider was at work; ask the provider's {@code appliedHash} whether it
 * landed.
 *
 * @param app            app name
 * @param intentRevision the intent revision being applied
 * @param contentHash    the content hash being applied
 */
public record PendingApply(String app, long intentRevision, String contentHash) {

    private static final byte FORMAT = 1;

    public PendingApply {
        Objects.requireNonNull(app, "app");
        Objects.requireNonNull(contentHash, "contentHash");
    }

    byte[] encodeValue() {
        ByteBuffer out = ByteBuffer.allocate(1 + Long.BYTES + RecordFormat.size(contentHash));
        out.put(FORMAT).putLong(intentRevision);
        RecordFormat.putString(out, contentHash);
        return out.array();
    }

    static PendingApply decode(String app, byte[] value) {
        ByteBuffer in = RecordFormat.open(value, FORMAT, "pending apply");
        long intentRevision = in.getLong();
        return new PendingApply(app, intentRevision, RecordFormat.getString(in));
    }
}
