package io.cascade.edge.journal;

import java.io.Serial;

/**
 * A journal that cannot be opened, read or written: a RocksDB error (disk full, I/O error, a record
 * damaged after open), a record in a format this edge does not know, or a closed store. The message
 * names the directory or site and the operation. Unchecked: an edge cannot work around a failing
 * journal, it reports and stops the site.
 */
public final class JournalException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    public JournalException(String message) {
        super(message);
    }

    public JournalException(String message, Throwable cause) {
        super(message, cause);
    }
}
