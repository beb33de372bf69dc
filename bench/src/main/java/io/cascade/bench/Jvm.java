package io.cascade.bench;

import java.lang.management.ManagementFactory;

/** What the bench JVM itself costs: its GC pauses and its live heap. */
public final class Jvm {

    private Jvm() {}

    /** Milliseconds this JVM's collectors have paused so far (concurrent cycles left out). */
    public static long gcPauseMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> !gc.getName().contains("Concurrent"))
                .mapToLong(gc -> Math.max(0, gc.getCollectionTime()))
                .sum();
    }

    /** Heap in use right after a requested full GC: roughly the live set. */
    public static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** {@code bytes} shared by {@code count} things, in KB with one decimal. */
    public static double kbPer(long bytes, int count) {
        return Math.round(bytes / 1024.0 / count * 10) / 10.0;
    }

    /** Nanoseconds as milliseconds with microsecond precision. */
    public static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }

    /** Nearest-rank percentile of sorted values; the first for q = 0, 0 when empty. */
    public static long rank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }
}
