package io.cascade.edge.journal;

import java.nio.ByteBuffer;

/**
 * The edge's chain marks: the last desired revision it has stored of the region's app chain and of
 * its own override chain (see desired.proto, Delta). 0 means nothing stored yet.
 *
 * @param app  last desired revision of the region's app chain
 * @param site last desired revision of the site's override chain
 */
public record Marks(long app, long site) {

    /** A fresh journal's marks: nothing stored, so a sync asks for everything. */
    public static final Marks NONE = new Marks(0, 0);

    private static final byte FORMAT = 1;

    public Marks {
        if (app < 0 || site < 0) {
            throw new IllegalArgumentException("marks must be >= 0, were app=" + app + " site=" + site);
        }
    }

    byte[] encode() {
        return ByteBuffer.allocate(1 + 2 * Long.BYTES).put(FORMAT).putLong(app).putLong(site).array();
    }

    static Marks decode(byte[] bytes) {
        ByteBuffer in = RecordFormat.open(bytes, FORMAT, "marks");
        return new Marks(in.getLong(), in.getLong());
    }
}
