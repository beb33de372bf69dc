package io.cascade.edge.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiConsumer;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The journals of every site hosted by one process, in one RocksDB database per directory with the
 * column families {@code desired}, {@code applied}, {@code outbox} and {@code meta}; each site is a key
 * namespace ({@link #site}). Sharing one database keeps thousands of simulated edges in one JVM cheap:
 * one WAL, one cache, a few files.
 *
 * <p>A directory RocksDB cannot open because its files are corrupt or unreadable is moved aside to
 * {@code <dir>.corrupt-<timestamp>} (kept for diagnosis, never deleted) and a fresh empty journal is
 * opened in its place, with one WARN line naming both paths and the RocksDB error;
 * {@link #recoveredFromCorruption()} tells the edge to resync its sites in full. A directory locked by
 * another open store is not corrupt: that fails with {@link JournalException}.
 *
 * <p>Thread safety: {@link #site} and every journal method may be called from any thread; sites are
 * independent. {@link #close} waits for calls under way, later calls fail with
 * {@link JournalException} (a RocksJava handle used after close would crash the JVM).
 */
public final class JournalStore implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JournalStore.class);
    private static final DateTimeFormatter ASIDE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'");

    private final Path dir;
    private final TunedOptions options;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final Map<Family, ColumnFamilyHandle> families = new EnumMap<>(Family.class);
    private final Path movedAside;
    private final Map<String, RocksJournal> sites = new ConcurrentHashMap<>();
    private final ReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private JournalStore(Path dir, TunedOptions options, RocksDB db, List<ColumnFamilyHandle> handles,
            Path movedAside) {
        this.dir = dir;
        this.options = options;
        this.db = db;
        this.handles = handles;
        this.movedAside = movedAside;
        Family[] all = Family.values();
        for (int i = 0; i < all.length; i++) {
            families.put(all[i], handles.get(i));
        }
    }

    /** Opens (or creates) the journal store in {@code dir} with {@link JournalOptions#DEFAULTS}. */
    public static JournalStore open(Path dir) {
        return open(dir, JournalOptions.DEFAULTS);
    }

    /**
     * Opens (or creates) the journal store in {@code dir}, moving a corrupt one aside (see the class
     * comment).
     *
     * @throws JournalException when the directory cannot be created, is locked by another open store,
     *     or cannot be opened for another reason than corrupt or unreadable files
     */
    public static JournalStore open(Path dir, JournalOptions options) {
        Path path = dir.toAbsolutePath().normalize();
        try {
            Files.createDirectories(path);
        } catch (IOException e) {
            throw new JournalException("cannot create journal directory " + path + ": " + e, e);
        }
        try {
            return openRocks(path, options, null);
        } catch (RocksDBException e) {
            if (!corruptOrUnreadable(e, path)) {
                throw new JournalException("cannot open journal " + path + ": " + describe(e), e);
            }
            Path aside = moveAside(path, e);
            LOG.warn("journal {} cannot be opened ({}); moved it aside to {} and opened a fresh empty journal: "
                    + "its sites resync in full", path, describe(e), aside);
            try {
                return openRocks(path, options, aside);
            } catch (RocksDBException again) {
                throw new JournalException("journal " + path + " was moved aside to " + aside
                        + " but a fresh one cannot be opened either: " + describe(again), again);
            }
        }
    }

    private static JournalStore openRocks(Path path, JournalOptions journalOptions, Path movedAside)
            throws RocksDBException {
        TunedOptions options = new TunedOptions(journalOptions);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try {
            RocksDB db = RocksDB.open(options.db(), path.toString(), options.families(), handles);
            return new JournalStore(path, options, db, handles, movedAside);
        } catch (RocksDBException | RuntimeException e) {
            handles.forEach(ColumnFamilyHandle::close);
            options.close();
            throw e;
        }
    }

    /**
     * Corrupt (RocksDB says so) or unreadable: an I/O error on a file inside the journal directory.
     * Not: the LOCK (another store has the directory open), the directory itself, or a full disk,
     * where moving the journal aside would throw away a healthy one.
     */
    private static boolean corruptOrUnreadable(RocksDBException e, Path path) {
        Status status = e.getStatus();
        if (status == null) {
            return false;
        }
        String message = String.valueOf(e.getMessage());
        return switch (status.getCode()) {
            case Corruption -> true;
            case IOError -> message.contains(path + "/") && !message.contains(path + "/LOCK")
                    && status.getSubCode() != Status.SubCode.NoSpace && !message.contains("No space left");
            default -> false;
        };
    }

    private static Path moveAside(Path path, RocksDBException cause) {
        String stamp = ZonedDateTime.now(ZoneOffset.UTC).format(ASIDE_STAMP);
        Path aside = path.resolveSibling(path.getFileName() + ".corrupt-" + stamp);
        for (int n = 1; Files.exists(aside); n++) {
            aside = path.resolveSibling(path.getFileName() + ".corrupt-" + stamp + "-" + n);
        }
        try {
            Files.move(path, aside);
            return aside;
        } catch (IOException e) {
            JournalException failure = new JournalException("journal " + path + " cannot be opened ("
                    + describe(cause) + ") and cannot be moved aside to " + aside + ": " + e, cause);
            failure.addSuppressed(e);
            throw failure;
        }
    }

    private static String describe(RocksDBException e) {
        Status status = e.getStatus();
        String code = status == null ? "RocksDB error" : status.getCode().name();
        return code + ": " + e.getMessage();
    }

    /** The journal directory (absolute). */
    public Path dir() {
        return dir;
    }

    /**
     * Where a corrupt journal found at open was moved; empty when the directory opened normally. When
     * present the journal is fresh and every site must sync in full (its marks are zero).
     */
    public Optional<Path> recoveredFromCorruption() {
        return Optional.ofNullable(movedAside);
    }

    /**
     * The journal of {@code siteId}, created on first use (nothing is written until the site writes).
     * Returns the same instance for the same id.
     *
     * @throws IllegalArgumentException when the id is empty or contains NUL
     */
    public Journal site(String siteId) {
        return sites.computeIfAbsent(siteId, id -> new RocksJournal(this, new SiteKeys(id), id));
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            handles.forEach(ColumnFamilyHandle::close);
            try {
                db.closeE();
            } catch (RocksDBException e) {
                LOG.warn("journal {}: close reported {}", dir, describe(e));
            }
            options.close();
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    // ---- the primitives RocksJournal builds on; each guards against a closed store ----

    /** Adds operations to one WriteBatch. */
    interface Batch {
        void put(Family family, byte[] key, byte[] value) throws RocksDBException;

        void delete(Family family, byte[] key) throws RocksDBException;
    }

    interface BatchFill {
        void fill(Batch batch) throws RocksDBException;
    }

    /** Writes what {@code fill} adds as one atomic WriteBatch; {@code what} names it in errors. */
    void write(String what, BatchFill fill) {
        guarded(what, () -> {
            try (WriteBatch batch = new WriteBatch()) {
                fill.fill(new Batch() {
                    @Override
                    public void put(Family family, byte[] key, byte[] value) throws RocksDBException {
                        batch.put(families.get(family), key, value);
                    }

                    @Override
                    public void delete(Family family, byte[] key) throws RocksDBException {
                        batch.delete(families.get(family), key);
                    }
                });
                db.write(options.writes(), batch);
            }
            return null;
        });
    }

    /** The value of {@code key}, or null. */
    byte[] get(String what, Family family, byte[] key) {
        return guarded(what, () -> db.get(families.get(family), key));
    }

    /** Calls {@code each} with every key and value in [{@code from}, {@code to}), in key order. */
    void scan(String what, Family family, byte[] from, byte[] to, BiConsumer<byte[], byte[]> each) {
        guarded(what, () -> {
            try (Slice lower = new Slice(from);
                    Slice upper = new Slice(to);
                    ReadOptions read = new ReadOptions().setIterateLowerBound(lower).setIterateUpperBound(upper);
                    RocksIterator it = db.newIterator(families.get(family), read)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    each.accept(it.key(), it.value());
                }
                it.status();
            }
            return null;
        });
    }

    /** The capacity of the store's block cache as RocksDB reports it ({@link JournalOptions#memoryBytes}). */
    public long blockCacheBytes() {
        return guarded("read the block cache capacity", () -> db.getLongProperty("rocksdb.block-cache-capacity"));
    }

    /**
     * Point deletes in {@code family}'s active memtable (RocksDB counts range deletes apart, in no
     * property), for tests.
     */
    long pointDeletesInMemtable(Family family) {
        return guarded("read memtable properties",
                () -> db.getLongProperty(families.get(family), "rocksdb.num-deletes-active-mem-table"));
    }

    private interface RocksCall<T> {
        T call() throws RocksDBException;
    }

    private <T> T guarded(String what, RocksCall<T> call) {
        lifecycle.readLock().lock();
        try {
            if (closed) {
                throw new JournalException("journal " + dir + " is closed (" + what + ")");
            }
            return call.call();
        } catch (RocksDBException e) {
            throw new JournalException("journal " + dir + ", " + what + ": " + describe(e), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }
}
