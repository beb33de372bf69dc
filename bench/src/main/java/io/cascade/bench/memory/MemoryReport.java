package io.cascade.bench.memory;

import static io.cascade.bench.BenchReport.f;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;

/**
 * What N simulated edges cost the JVM that holds them, written as {@code memory-<edges>.json} and {@code .md}.
 *
 * @param scenario       always {@value #SCENARIO}
 * @param startedAt      when the run started (ISO-8601, UTC)
 * @param machine        machine, JVM and nats-server facts
 * @param edges          simulated sites (RocksDB journals in one store per region, simulated provider)
 * @param converged      every site applied the intent and the hub counted it READY
 * @param before         the bench JVM with the hub and relay services running, no edges
 * @param after          the same with every edge running and converged on one intent
 * @param heapPerEdgeKb  live heap per edge: heap after a GC, after minus before, over N
 * @param rssPerEdgeKb   resident memory per edge (heap, RocksDB's native memory, thread stacks), after minus before, over N
 * @param journalBytes   the journals' files on disk
 */
public record MemoryReport(String scenario, String startedAt, MachineFacts machine, int edges, boolean converged,
                           Footprint before, Footprint after, double heapPerEdgeKb, double rssPerEdgeKb,
                           long journalBytes) implements BenchReport {

    static final String SCENARIO = "memory";

    /**
     * @param heapUsedMb   heap in use right after a requested GC
     * @param rssMb        the process's resident set (VmRSS)
     * @param threads      live Java platform threads (virtual threads are not counted)
     * @param openFiles    open file descriptors (sockets, RocksDB files, jars)
     */
    public record Footprint(double heapUsedMb, double rssMb, int threads, int openFiles) {}

    @Override
    public String fileStem() {
        return SCENARIO + "-" + edges;
    }

    @Override
    public boolean complete() {
        return converged;
    }

    @Override
    public String incompleteReason() {
        return "not every edge applied the intent, so the footprint is not that of a converged fleet";
    }

    @Override
    public String markdown() {
        return "# Memory, " + edges + " edges\n\n"
                + "All edges in one JVM (" + machine.jvm() + ", max heap " + machine.maxHeapMb() + " MB) with the hub "
                + "and relay services; started " + startedAt + ".\n\n"
                + "| | heap after GC | RSS | platform threads | open files |\n|---|---:|---:|---:|---:|\n"
                + row("services only", before) + row(edges + " edges, converged", after)
                + "| **per edge** | **" + f(heapPerEdgeKb) + " KB** | " + f(rssPerEdgeKb) + " KB | | |\n\n"
                + "Journals on disk: " + journalBytes / 1024 + " KB (" + f(journalBytes / 1024.0 / edges) + " KB per edge).\n";
    }

    private static String row(String name, Footprint p) {
        return "| " + name + " | " + f(p.heapUsedMb()) + " MB | " + f(p.rssMb()) + " MB | " + p.threads() + " | "
                + p.openFiles() + " |\n";
    }
}
