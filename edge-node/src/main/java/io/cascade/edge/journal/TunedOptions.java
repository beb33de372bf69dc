package io.cascade.edge.journal;

import java.util.ArrayList;
import java.util.List;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksObject;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBufferManager;
import org.rocksdb.WriteOptions;

/**
 * The RocksDB options of a journal store, and the native objects behind them. RocksJava options are
 * C++ objects that must outlive the database that uses them and be closed after it; this class owns
 * them all and closes them in reverse order of creation.
 *
 * <p>The shape being tuned for: one database shared by many sites (thousands of simulated edges in
 * one JVM, or one real edge), each with a few small records and a few desired docs of up to a few
 * MiB, written a few times a minute. So:
 * <ul>
 *   <li>one LRU block cache for every column family, with the memtables charged to it through a
 *       WriteBufferManager: the store's memory is one number however many sites it holds;
 *   <li>small write buffers (1 MiB, 4 MiB for desired docs) and at most two per column family:
 *       memory stays small and the WAL is released soon; levels sized to match (8 MiB files, 32 MiB
 *       L1) rather than the defaults for databases of hundreds of GiB;
 *   <li>a bounded WAL ({@code max_total_wal_size}): a column family written rarely (meta) is flushed
 *       rather than pinning old WAL files;
 *   <li>index and filter blocks live in the cache (bounded) with L0's pinned; a Bloom filter makes the
 *       point lookups (marks, outbox sequence, pending applies) cheap;
 *   <li>LZ4: desired docs are YAML and JSON and compress well, at little CPU;
 *   <li>WAL on, point-in-time recovery: after a crash the store holds every write up to the last
 *       complete one. A WriteBatch spanning column families is atomic through the WAL, so atomic
 *       flush is not needed;
 *   <li>a small info LOG (warnings and above, 3 files of 1 MiB) next to the data.
 * </ul>
 */
final class TunedOptions implements AutoCloseable {

    private static final long MIB = 1024 * 1024;

    private final List<RocksObject> owned = new ArrayList<>();
    private final DBOptions dbOptions;
    private final List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
    private final WriteOptions writeOptions;

    TunedOptions(JournalOptions options) {
        RocksDB.loadLibrary();
        try {
            LRUCache cache = own(new LRUCache(options.memoryBytes()));
            WriteBufferManager memtables = own(new WriteBufferManager(options.memoryBytes() / 2, cache));
            BloomFilter bloom = own(new BloomFilter(10));
            BlockBasedTableConfig table = new BlockBasedTableConfig()
                    .setBlockCache(cache)
                    .setFilterPolicy(bloom)
                    .setCacheIndexAndFilterBlocks(true)
                    .setPinL0FilterAndIndexBlocksInCache(true);
            dbOptions = own(new DBOptions())
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setWriteBufferManager(memtables)
                    .setMaxTotalWalSize(options.memoryBytes())
                    .setMaxBackgroundJobs(2)
                    .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setMaxLogFileSize(MIB)
                    .setKeepLogFileNum(3);
            for (Family family : Family.values()) {
                ColumnFamilyOptions cf = own(new ColumnFamilyOptions())
                        .setWriteBufferSize(family == Family.DESIRED ? 4 * MIB : MIB)
                        .setMaxWriteBufferNumber(2)
                        .setTargetFileSizeBase(8 * MIB)
                        .setMaxBytesForLevelBase(32 * MIB)
                        .setCompressionType(CompressionType.LZ4_COMPRESSION)
                        .setTableFormatConfig(table);
                descriptors.add(new ColumnFamilyDescriptor(family.id(), cf));
            }
            // sync=false is safe against process crashes: RocksDB write()s the WAL record to the
            // kernel before the call returns, and the page cache survives a killed JVM. Only power
            // loss or a kernel crash can lose the last writes; syncWrites is for sites where that
            // matters.
            writeOptions = own(new WriteOptions()).setSync(options.syncWrites());
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    DBOptions db() {
        return dbOptions;
    }

    /** One descriptor per {@link Family}, in the order of {@code Family.values()}. */
    List<ColumnFamilyDescriptor> families() {
        return descriptors;
    }

    WriteOptions writes() {
        return writeOptions;
    }

    private <T extends RocksObject> T own(T object) {
        owned.add(object);
        return object;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) {
            owned.get(i).close();
        }
        owned.clear();
    }
}
