package io.cascade.edge.journal;

/**
 * How a {@link JournalStore} trades durability and memory.
 *
 * @param syncWrites  false (the default): each write goes to the WAL through the OS page cache, which
 *                    outlives a crashed or killed process, so nothing acknowledged is lost unless the
 *                    machine itself loses power or the kernel crashes. true: each write is fsynced
 *                    before it returns, which also survives power loss, at the cost of one disk flush
 *                    per write (milliseconds on SD cards and cheap flash)
 * @param memoryBytes the store's whole RocksDB memory: one block cache shared by every site and
 *                    column family, with the memtables charged to it; at least 4 MiB
 */
public record JournalOptions(boolean syncWrites, long memoryBytes) {

    private static final long MIB = 1024 * 1024;

    /** Process-crash safe, 32 MiB: enough for thousands of simulated sites in one JVM. */
    public static final JournalOptions DEFAULTS = new JournalOptions(false, 32 * MIB);
    /** Process-crash safe, 4 MiB: one site on a device (a few small records and desired docs). */
    public static final JournalOptions ONE_SITE = new JournalOptions(false, 4 * MIB);

    /** {@link #ONE_SITE} for a store that holds one site, else {@link #DEFAULTS}. */
    public static JournalOptions forSites(int sites) {
        return sites == 1 ? ONE_SITE : DEFAULTS;
    }

    public JournalOptions {
        if (memoryBytes < 4 * MIB) {
            throw new IllegalArgumentException("journal memoryBytes must be at least 4 MiB (4194304), was "
                    + memoryBytes);
        }
    }

    /** These options with fsync on every write, for power-loss durability. */
    public JournalOptions withSyncWrites(boolean sync) {
        return new JournalOptions(sync, memoryBytes);
    }
}
