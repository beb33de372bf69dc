package io.cascade.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a process's resident memory is, by mapping, from {@code /proc/<pid>/smaps}: the Java heap, the class-data
 * archives, the JVM's and RocksDB's libraries, the code cache and the rest of the anonymous memory (glibc's arenas,
 * metaspace, thread stacks). A file mapping's written pages (a relocated archive) count with its file.
 */
final class MemoryMap {

    static final String HEAP = "Java heap";
    static final String ARCHIVES = "class-data archives (.jsa)";
    static final String LIBJVM = "libjvm.so";
    static final String ROCKSDB = "librocksdbjni";
    static final String LIBRARIES = "other libraries (.so)";
    static final String FILES = "other files (jars, modules, locale)";
    static final String CODE = "code cache (rwx)";
    static final String NATIVE = "other anonymous (malloc, metaspace, stacks)";
    /** The order the groups are reported in. */
    static final List<String> GROUPS = List.of(HEAP, ARCHIVES, LIBJVM, ROCKSDB, LIBRARIES, FILES, CODE, NATIVE);

    /** "7f57...-7f57... rw-p 00000000 00:00 0   [path]" */
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) (\\S+) \\S+ \\S+ \\S+\\s*(.*)$");
    /** An address in GC.heap_info's bracketed ranges: "[0x00000000fc000000, 0x..., 0x...)". */
    private static final Pattern ADDRESS = Pattern.compile("0x([0-9a-f]+)");

    private MemoryMap() {}

    /**
     * Resident KB per group ({@link #GROUPS}, all present), the heap being the anonymous mappings inside the lowest and
     * highest address of {@code heapInfo} (jcmd GC.heap_info's output).
     */
    static Map<String, Long> residentKb(long pid, String heapInfo) throws IOException {
        long heapLow = Long.MAX_VALUE;
        long heapHigh = 0;
        Matcher a = ADDRESS.matcher(heapInfo);
        while (a.find()) {
            long address = Long.parseUnsignedLong(a.group(1), 16);
            heapLow = Math.min(heapLow, address);
            heapHigh = Math.max(heapHigh, address);
        }
        Map<String, Long> groups = new LinkedHashMap<>();
        GROUPS.forEach(g -> groups.put(g, 0L));
        String group = null;
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "smaps"))) {
            Matcher m = MAPPING.matcher(line);
            if (m.matches()) {
                long start = Long.parseUnsignedLong(m.group(1), 16);
                group = group(start, m.group(3), m.group(4).strip(), heapLow, heapHigh);
            } else if (line.startsWith("Rss:") && group != null) {
                groups.merge(group, Long.parseLong(line.replaceAll("[^0-9]", "")), Long::sum);
            }
        }
        return groups;
    }

    private static String group(long start, String permissions, String path, long heapLow, long heapHigh) {
        if (path.isEmpty() || path.startsWith("[")) {
            if (path.isEmpty() && start >= heapLow && start < heapHigh) {
                return HEAP;
            }
            return path.isEmpty() && permissions.startsWith("rwx") ? CODE : NATIVE;
        }
        String name = path.substring(path.lastIndexOf('/') + 1);
        if (name.endsWith(".jsa")) {
            return ARCHIVES;
        }
        if (name.equals(LIBJVM)) {
            return LIBJVM;
        }
        if (name.startsWith(ROCKSDB)) {
            return ROCKSDB;
        }
        return name.contains(".so") ? LIBRARIES : FILES;
    }
}
