package io.cascade.edge.journal;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One desired doc as the journal holds it.
 *
 * @param key      the desired KV key: {@code <region>.app.<app>} (doc is a serialized DesiredDoc) or
 *                 {@code <region>.site.<site>.<app>} (doc is a serialized SiteOverrideDoc)
 * @param revision the desired revision of the key's latest change; > 0
 * @param doc      the serialized doc; not copied, so callers must not change it afterwards
 */
public record DesiredEntry(String key, long revision, byte[] doc) {

    public DesiredEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(doc, "doc");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("desired key must be non-empty");
        }
        if (revision <= 0) {
            throw new IllegalArgumentException("desired revision of " + key + " must be > 0, was " + revision);
        }
    }

    /** The journal value: the revision (8 bytes, big-endian), then the doc. */
    byte[] encodeValue() {
        return ByteBuffer.allocate(Long.BYTES + doc.length).putLong(revision).put(doc).array();
    }

    static DesiredEntry decode(String key, byte[] value) {
        if (value.length < Long.BYTES) {
            throw new JournalException("journal desired record " + key + " is " + value.length
                    + " bytes, shorter than its revision (damaged)");
        }
        ByteBuffer in = ByteBuffer.wrap(value);
        long revision = in.getLong();
        return new DesiredEntry(key, revision, Arrays.copyOfRange(value, Long.BYTES, value.length));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DesiredEntry other && key.equals(other.key) && revision == other.revision
                && Arrays.equals(doc, other.doc);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, revision, Arrays.hashCode(doc));
    }

    @Override
    public String toString() {
        return "DesiredEntry[key=" + key + ", revision=" + revision + ", doc=" + doc.length + " bytes]";
    }
}
