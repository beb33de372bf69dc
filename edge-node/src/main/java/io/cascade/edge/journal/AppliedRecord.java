package io.cascade.edge.journal;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;

/**
 * What the provider last applied for one app on the site.
 *
 * @param intentRevision the intent revision of the release applied
 * @param contentHash    {@code AppDesired.contentHash()} of what was applied
 * @param at             when the apply finished (the edge's clock)
 */
public record AppliedRecord(long intentRevision, String contentHash, Instant at) {

    private static final byte FORMAT = 1;

    public AppliedRecord {
        Objects.requireNonNull(contentHash, "contentHash");
        Objects.requireNonNull(at, "at");
        if (intentRevision < 0) {
            throw new IllegalArgumentException("intent revision must be >= 0, was " + intentRevision);
        }
    }

    byte[] encode() {
        ByteBuffer out = ByteBuffer.allocate(1 + 2 * Long.BYTES + Integer.BYTES + RecordFormat.size(contentHash));
        out.put(FORMAT).putLong(intentRevision).putLong(at.getEpochSecond()).putInt(at.getNano());
        RecordFormat.putString(out, contentHash);
        return out.array();
    }

    static AppliedRecord decode(byte[] bytes) {
        ByteBuffer in = RecordFormat.open(bytes, FORMAT, "applied");
        long intentRevision = in.getLong();
        Instant at = Instant.ofEpochSecond(in.getLong(), in.getInt());
        return new AppliedRecord(intentRevision, RecordFormat.getString(in), at);
    }
}
