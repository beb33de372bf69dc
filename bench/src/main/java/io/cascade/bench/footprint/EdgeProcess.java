package io.cascade.bench.footprint;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One edge site in its own JVM, the way a device runs it ({@code java <options> -jar cascade-edge.jar --site ...}),
 * and what it costs, read from {@code /proc/<pid>} and {@code jcmd}.
 */
final class EdgeProcess implements AutoCloseable {

    /** Clock ticks per second of /proc/<pid>/stat on Linux (USER_HZ). */
    private static final int TICKS_PER_SECOND = 100;
    /** "- Java Heap (reserved=65536KB, committed=20800KB)"; "Shared class space" adds ", readonly=..." inside. */
    private static final Pattern NMT_CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    /** A heap's or a generation's line of GC.heap_info (G1: "garbage-first heap total reserved ..., used NK"; Serial: DefNew, Tenured). */
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\S[^\\n]*?used (\\d+)K");

    private final Process process;
    private final Path log;
    private final Path jcmd;
    private final Path tmp;

    private EdgeProcess(Process process, Path log, Path jcmd, Path tmp) {
        this.process = process;
        this.log = log;
        this.jcmd = jcmd;
        this.tmp = tmp;
    }

    /**
     * Starts {@code java <jvmOptions> -jar <edgeJar> <args>} in {@code log}'s directory with {@code env} added, output to
     * {@code log}, with its own temp dir ({@code java.io.tmpdir}) beside the log; with {@code nmt}, native memory
     * tracking (summary) on as well.
     */
    static EdgeProcess start(List<String> jvmOptions, boolean nmt, Path edgeJar, List<String> args, Map<String, String> env,
                             Path log) throws IOException {
        Path java = Path.of(ProcessHandle.current().info().command().orElseThrow(() -> new IllegalStateException("no java command")));
        List<String> cmd = new ArrayList<>();
        cmd.add(java.toString());
        cmd.addAll(jvmOptions);
        if (nmt) {
            cmd.add("-XX:NativeMemoryTracking=summary");
        }
        Path tmp = Files.createDirectories(log.resolveSibling("tmp"));
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.addAll(List.of("-jar", edgeJar.toString()));
        cmd.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(cmd).directory(log.getParent().toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(env);
        return new EdgeProcess(builder.start(), log, java.resolveSibling("jcmd"), tmp);
    }

    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    Path log() {
        return log;
    }

    /** Memory, threads and files now; the classes loaded; then a GC and the heap after it; then NMT's summary when {@code nmt}. */
    FootprintReport.Sample sample(boolean nmt) throws IOException, InterruptedException {
        Map<String, Long> status = status();
        int openFiles;
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            openFiles = (int) fds.count();
        }
        ClassCensus classes = ClassCensus.parse(jcmd("VM.classes"));
        jcmd("GC.run");
        long heapUsedKb = 0;
        String heapInfo = jcmd("GC.heap_info");
        Map<String, Long> mappings = MemoryMap.residentKb(pid(), heapInfo);
        Matcher heap = HEAP_USED.matcher(heapInfo);
        while (heap.find()) {
            heapUsedKb += Long.parseLong(heap.group(1));
        }
        Map<String, Long> categories = new LinkedHashMap<>();
        if (nmt) {
            for (String line : jcmd("VM.native_memory", "summary").split("\n")) {
                Matcher c = NMT_CATEGORY.matcher(line.strip().startsWith("-") ? line.strip() : "");
                Matcher t = NMT_TOTAL.matcher(line.strip());
                if (c.find()) {
                    categories.put(c.group(1).strip(), Long.parseLong(c.group(3)));
                } else if (t.find()) {
                    categories.put("Total", Long.parseLong(t.group(2)));
                }
            }
        }
        return new FootprintReport.Sample(status.get("VmRSS"), status.get("RssAnon"), status.get("RssFile"), heapUsedKb,
                status.get("Threads").intValue(), threadNames(), openFiles, tempDirKb(), mappings, categories, classes);
    }

    /** The process's threads by name (the kernel's 15 characters, digits as #), e.g. {"C1 CompilerThre": 1}. */
    private Map<String, Integer> threadNames() throws IOException {
        Map<String, Integer> names = new TreeMap<>();
        perThread((name, cpuMillis) -> names.merge(name, 1, Integer::sum));
        return names;
    }

    /** CPU time (user + system) used so far by the threads alive now, in ms, summed per thread name as {@link #threadNames}. */
    Map<String, Long> cpuMillisByThread() throws IOException {
        Map<String, Long> cpu = new TreeMap<>();
        perThread((name, cpuMillis) -> cpu.merge(name, cpuMillis, Long::sum));
        return cpu;
    }

    private void perThread(java.util.function.ObjLongConsumer<String> thread) throws IOException {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid()), "task"))) {
            for (Path task : tasks.toList()) {
                String name;
                long cpuMillis;
                try {
                    name = Files.readString(task.resolve("comm")).strip().replaceAll("[0-9]+", "#");
                    cpuMillis = cpuMillis(Files.readString(task.resolve("stat")));
                } catch (java.nio.file.NoSuchFileException gone) {
                    continue; // the thread ended while listing
                }
                thread.accept(name, cpuMillis);
            }
        }
    }

    /** What the process has written to its temp dir (KB). */
    private long tempDirKb() throws IOException {
        try (Stream<Path> files = Files.walk(tmp)) {
            long bytes = 0;
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                bytes += Files.size(f);
            }
            return bytes / 1024;
        }
    }

    /** CPU time (user + system) this process has used so far, in ms (10 ms ticks). */
    long cpuMillis() throws IOException {
        return cpuMillis(Files.readString(Path.of("/proc", String.valueOf(pid()), "stat")));
    }

    /** utime + stime of a /proc stat line (a process's or a thread's), in ms. */
    private static long cpuMillis(String stat) {
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14, 15)
        return ticks * 1000 / TICKS_PER_SECOND;
    }

    private Map<String, Long> status() throws IOException {
        Map<String, Long> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
            int colon = line.indexOf(':');
            String key = line.substring(0, colon);
            if (key.equals("VmRSS") || key.equals("RssAnon") || key.equals("RssFile") || key.equals("Threads")) {
                values.put(key, Long.parseLong(line.substring(colon + 1).replaceAll("[^0-9]", "")));
            }
        }
        return values;
    }

    private String jcmd(String... command) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(jcmd.toString(), String.valueOf(pid())));
        cmd.addAll(List.of(command));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("jcmd " + String.join(" ", command) + " failed for pid " + pid() + ": " + out);
        }
        return out;
    }

    /** SIGTERM (the edge closes its journal), SIGKILL after 10 s. */
    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
