package io.cascade.edge.journal;

import java.nio.charset.StandardCharsets;
import org.rocksdb.RocksDB;

/**
 * The journal's column families. Every key in them starts with the owning site's prefix
 * ({@code <site>\0}, see {@link SiteKeys}).
 */
enum Family {
    /** RocksDB's own; required, unused. */
    DEFAULT(RocksDB.DEFAULT_COLUMN_FAMILY),
    /** {@code <site>\0<desired key>} → revision (8 bytes big-endian) + serialized doc. */
    DESIRED("desired"),
    /** {@code <site>\0<app>} → {@link AppliedRecord}. */
    APPLIED("applied"),
    /** {@code <site>\0<seq as 8 bytes big-endian>} → serialized SiteStatus. */
    OUTBOX("outbox"),
    /**
     * {@code <site>\0marks} → {@link Marks}; {@code <site>\0identity} → {@link SiteIdentity};
     * {@code <site>\0outbox-seq} → last outbox sequence used (8 bytes);
     * {@code <site>\0pending/<app>} → {@link PendingApply}.
     */
    META("meta");

    private final byte[] id;

    Family(byte[] id) {
        this.id = id;
    }

    Family(String name) {
        this(name.getBytes(StandardCharsets.UTF_8));
    }

    byte[] id() {
        return id;
    }
}
