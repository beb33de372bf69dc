package io.cascade.bench.footprint;

import static io.cascade.bench.BenchReport.f;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One edge site per JVM, per provider and JVM settings: memory, threads, files, start time and CPU per delta, written
 * as {@code footprint.json} and {@code .md}.
 *
 * @param scenario       always {@value #SCENARIO}
 * @param startedAt      when the run started (ISO-8601, UTC)
 * @param machine        machine, JVM and nats-server facts (the edges run on the same java)
 * @param edgeJvmOptions the edge's launch settings: {@value JvmOptionsFile#PATH} as it was read for this run, and the
 *                       options {@code ./cascade edge} adds (the class-data archive's two, the native library directory:
 *                       {@link JvmOptionsFile#launchOptions})
 * @param deltas         deltas each site applied between its two samples
 * @param idleSeconds    how long a site idled after applying its first app before the idle sample
 * @param runs           one per provider and settings
 */
public record FootprintReport(String scenario, String startedAt, MachineFacts machine, List<String> edgeJvmOptions,
                              int deltas, int idleSeconds, List<Run> runs) implements BenchReport {

    static final String SCENARIO = "footprint";
    /** The name of the runs with {@link #edgeJvmOptions}. */
    public static final String EDGE_SETTINGS = "edge";

    /**
     * @param rssKb          resident set (VmRSS)
     * @param rssAnonKb      its anonymous part (heap, native allocations, stacks): this process's own
     * @param rssFileKb      its file-backed part (JDK libraries, the class-data archive, jars), shared with other
     *                       processes mapping the same files
     * @param heapUsedKb     heap in use right after a requested GC (jcmd GC.run, then GC.heap_info)
     * @param threads        the process's threads (/proc: Java and native)
     * @param threadNames    those threads by name (the kernel's first 15 characters, digits as #)
     * @param openFiles      open file descriptors
     * @param tempDirKb      what the process wrote to its temp dir ({@code java.io.tmpdir}, its own): RocksJava copies its
     *                       native library there at each start unless it is on {@code java.library.path}
     * @param rssKbByMapping the resident set by mapping (/proc smaps; {@link MemoryMap#GROUPS}): heap, archives,
     *                       libraries, code cache, other anonymous memory
     * @param nmtCommittedKb native memory tracking's committed KB by category, and "Total"; empty in a run without it
     * @param classes        the classes the JVM holds (jcmd VM.classes): how many, from the archives, generated
     */
    public record Sample(long rssKb, long rssAnonKb, long rssFileKb, long heapUsedKb, int threads, Map<String, Integer> threadNames, int openFiles,
                         long tempDirKb, Map<String, Long> rssKbByMapping, Map<String, Long> nmtCommittedKb, ClassCensus classes) {}

    /**
     * @param provider          the edge's --provider kind: sim, dir or k8s (against fabric8's mock API server)
     * @param settings          "defaults" (the JVM's own, as `./cascade edge` ran before issue 31), {@value #EDGE_SETTINGS}
     *                          ({@link #edgeJvmOptions}) or "custom" (--jvm-options)
     * @param jvmOptions        the options the edge's JVM was started with
     * @param startToAckMs      from starting the JVM to the relay recording the site's first status (it acknowledges it
     *                          right after)
     * @param idle              idle, {@link #idleSeconds} after applying its first app
     * @param afterDeltas       after applying {@link #deltas} deltas, one at a time
     * @param deltasSeconds     how long the deltas took, each published, applied and reported READY before the next
     * @param cpuMsPerDelta     the edge process's CPU (user + system, 10 ms ticks) over the deltas, per delta
     * @param cpuMsPerDeltaByThread that CPU by thread name (as in {@link Sample#threadNames}), the threads that used any
     * @param nmtIdle           NMT summary (committed KB) of a second process with the same settings, idle
     * @param nmtAfterDeltas    the same after the deltas
     * @param firstStart        with the {@value #EDGE_SETTINGS} settings: the first start that wrote the class-data archive
     *                          this run mapped, with the same provider; null for other settings
     */
    public record Run(String provider, String settings, List<String> jvmOptions, double startToAckMs, Sample idle,
                      Sample afterDeltas, double deltasSeconds, double cpuMsPerDelta, Map<String, Double> cpuMsPerDeltaByThread,
                      Map<String, Long> nmtIdle,
                      Map<String, Long> nmtAfterDeltas, FirstStart firstStart) {

        /** This run with the NMT summaries of its twin (the same settings, with native memory tracking). */
        Run withNmt(Map<String, Long> idle, Map<String, Long> afterDeltas) {
            return new Run(provider, settings, jvmOptions, startToAckMs, this.idle, this.afterDeltas, deltasSeconds, cpuMsPerDelta,
                    cpuMsPerDeltaByThread, idle, afterDeltas, firstStart);
        }

        /** This run with the first start that made the archive it mapped. */
        Run withFirstStart(FirstStart first) {
            return new Run(provider, settings, jvmOptions, startToAckMs, idle, afterDeltas, deltasSeconds, cpuMsPerDelta,
                    cpuMsPerDeltaByThread, nmtIdle, nmtAfterDeltas, first);
        }
    }

    /**
     * A device's first start with the edge's settings: no class-data archive yet, the JVM writes it at exit with the
     * classes that start loaded (its provider's among them).
     *
     * @param startToAckMs from starting the JVM to the relay recording the site's first status
     * @param archiveBytes the archive it left
     */
    public record FirstStart(double startToAckMs, long archiveBytes) {}

    @Override
    public String fileStem() {
        return SCENARIO;
    }

    @Override
    public boolean complete() {
        return !runs.isEmpty();
    }

    @Override
    public String markdown() {
        StringBuilder md = new StringBuilder("# Footprint of one edge site per JVM\n\n")
                .append("Each run starts `java <options> -jar " + JvmOptionsFile.JAR + " --site ... --provider ...` against a "
                        + "relay of a bench fleet (auth and TLS on), as a device runs it; ")
                .append(machine.jvm()).append(", ").append(machine.cores()).append(" cores; started ").append(startedAt)
                .append(".\nThe edge's settings (`").append(JvmOptionsFile.PATH).append("`): `")
                .append(String.join(" ", edgeJvmOptions)).append("`.\n")
                .append(firstStarts())
                .append('\n')
                .append("| provider | settings | start → first ack | RSS idle (anon + file) | heap idle | threads | files | RSS after ")
                .append(deltas).append(" deltas (anon + file) | heap after | threads | files | CPU per delta |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Run r : runs) {
            md.append("| ").append(r.provider()).append(" | ").append(r.settings()).append(" | ")
                    .append(f(r.startToAckMs())).append(" ms | ").append(mem(r.idle())).append(" | ")
                    .append(mb(r.idle().heapUsedKb())).append(" | ").append(r.idle().threads()).append(" | ")
                    .append(r.idle().openFiles()).append(" | ").append(mem(r.afterDeltas())).append(" | ")
                    .append(mb(r.afterDeltas().heapUsedKb())).append(" | ").append(r.afterDeltas().threads()).append(" | ")
                    .append(r.afterDeltas().openFiles()).append(" | ").append(f(r.cpuMsPerDelta())).append(" ms |\n");
        }
        md.append("\nMB = 1024 KB. Heap: in use right after a requested GC. Threads: all of the process's (/proc). "
                + "CPU per delta: the edge process's over the deltas (publish, apply, READY reported, one at a time) / ")
                .append(deltas).append(".\n");
        md.append("\nWritten to the temp dir (each process has its own java.io.tmpdir), after the deltas: ");
        List<String> temps = new ArrayList<>();
        runs.forEach(r -> temps.add(r.provider() + " " + r.settings() + " " + mb(r.afterDeltas().tempDirKb())));
        md.append(String.join(", ", temps)).append(".\n");
        md.append("\nWhere the resident memory is (/proc/<pid>/smaps by mapping, MB; a file's written pages count with it), "
                + "idle / after the deltas:\n\n| mapping |");
        runs.forEach(r -> md.append(' ').append(r.provider()).append(' ').append(r.settings()).append(" |"));
        md.append("\n|---|").append("---:|".repeat(runs.size())).append('\n');
        for (String g : MemoryMap.GROUPS) {
            md.append("| ").append(g).append(" |");
            runs.forEach(r -> md.append(' ').append(mb(r.idle().rssKbByMapping().getOrDefault(g, 0L))).append(" / ")
                    .append(mb(r.afterDeltas().rssKbByMapping().getOrDefault(g, 0L))).append(" |"));
            md.append('\n');
        }
        md.append("\nClasses the JVM holds (jcmd VM.classes), idle / after the deltas: loaded (mapped from the class-data archives; "
                + "generated at run time: hidden classes and proxies no archive holds), and the packages with the most, idle:\n\n");
        for (Run r : runs) {
            ClassCensus idle = r.idle().classes();
            ClassCensus after = r.afterDeltas().classes();
            md.append("- ").append(r.provider()).append(' ').append(r.settings()).append(": ")
                    .append(idle.loaded()).append(" / ").append(after.loaded()).append(" (").append(idle.shared()).append(" / ")
                    .append(after.shared()).append(" from the archives; ").append(idle.generated()).append(" / ")
                    .append(after.generated()).append(" generated); ");
            List<String> parts = new ArrayList<>();
            idle.packages().forEach((pkg, n) -> parts.add("`" + (pkg.isEmpty() ? "(unnamed)" : pkg) + "` " + n));
            md.append(String.join(", ", parts)).append('\n');
        }
        md.append("\nCPU per delta by thread (ms; /proc/<pid>/task, 10 ms ticks, so threads under 0.1 ms are left out):\n\n");
        for (Run r : runs) {
            md.append("- ").append(r.provider()).append(' ').append(r.settings()).append(": ");
            List<String> parts = new ArrayList<>();
            r.cpuMsPerDeltaByThread().entrySet().stream().filter(e -> e.getValue() >= 0.1)
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .forEach(e -> parts.add("`" + e.getKey() + "` " + f(e.getValue())));
            md.append(String.join(", ", parts)).append('\n');
        }
        if (runs.stream().anyMatch(r -> !r.nmtIdle().isEmpty())) {
            md.append("\nNative memory by category (NMT summary, committed MB; a second process with the same settings and "
                    + "-XX:NativeMemoryTracking=summary), idle / after the deltas:\n\n| category |");
            runs.forEach(r -> md.append(' ').append(r.provider()).append(' ').append(r.settings()).append(" |"));
            md.append("\n|---|").append("---:|".repeat(runs.size())).append('\n');
            Set<String> categories = new LinkedHashSet<>();
            runs.forEach(r -> categories.addAll(r.nmtIdle().keySet()));
            for (String c : categories) {
                if (runs.stream().allMatch(r -> r.nmtIdle().getOrDefault(c, 0L) < 256 && r.nmtAfterDeltas().getOrDefault(c, 0L) < 256)) {
                    continue; // under 0.25 MB everywhere
                }
                md.append("| ").append(c).append(" |");
                runs.forEach(r -> md.append(' ').append(mb(r.nmtIdle().getOrDefault(c, 0L))).append(" / ")
                        .append(mb(r.nmtAfterDeltas().getOrDefault(c, 0L))).append(" |"));
                md.append('\n');
            }
        }
        return md.toString();
    }

    /** The first starts that made each provider's archive, or nothing without an edge run. */
    private String firstStarts() {
        List<String> starts = new ArrayList<>();
        runs.stream().filter(r -> r.firstStart() != null).forEach(r -> starts.add(r.provider() + " " + mb(r.firstStart().archiveBytes() / 1024)
                + ", " + f(r.firstStart().startToAckMs()) + " ms to its first ack"));
        return starts.isEmpty() ? "" : "A device's first start makes the class-data archive at its exit, with the classes its provider "
                + "loads; each provider's edge runs below map the archive their own first start made: " + String.join("; ", starts) + ".\n";
    }

    private static String mem(Sample s) {
        return mb(s.rssKb()) + " (" + mb(s.rssAnonKb()) + " + " + mb(s.rssFileKb()) + ")";
    }

    private static String mb(long kb) {
        return f(kb / 1024.0) + " MB";
    }
}
