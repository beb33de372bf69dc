package io.cascade.bench.memory;

import io.cascade.bench.BenchReport;
import io.cascade.bench.Edges;
import io.cascade.bench.Jvm;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.PublishIntentRequest;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench memory}: heap, RSS, threads and files per simulated edge. */
@Command(name = "memory", mixinStandardHelpOptions = true,
        description = {"Memory: starts a hub and 2 relays, measures the bench JVM, starts N simulated edges "
                + "(RocksDB journals, simulated provider), publishes one intent to all, waits until the hub counts "
                + "every site READY, and measures again: heap after GC, RSS, platform threads, open files per edge.",
                "Writes memory-<N>.json and memory-<N>.md to --out and prints them."})
public final class MemoryCommand extends ScenarioCommand {

    @Option(names = "--edges", defaultValue = "1000", description = "Simulated edges (default: ${DEFAULT-VALUE}; at most 10000 per JVM).")
    int edges;

    @Option(names = "--timeout", defaultValue = "600", description = "Seconds starting and converging may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        Edges.require(edges);
        String startedAt = Instant.now().toString();
        try (BenchFleet fleet = BenchFleet.start(edges, dir)) {
            MemoryReport.Footprint before = footprint();
            fleet.startEdges(EdgeTuning.DEFAULTS, site -> Providers.fromSpec("sim:seed=1"));
            long revision = fleet.fleetService().withDeadlineAfter(30, TimeUnit.SECONDS)
                    .publishIntent(PublishIntentRequest.newBuilder().setIntent(BenchIntents.app("memory", "1", 512)).build())
                    .getIntentRevision();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
            while (fleet.readyAt("memory", revision) < edges && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            boolean converged = fleet.readyAt("memory", revision) >= edges;
            MemoryReport.Footprint after = footprint();
            long journalBytes = fleet.journalBytes();
            return new MemoryReport(MemoryReport.SCENARIO, startedAt, fleet.machine(), edges, converged, before, after,
                    Jvm.kbPer((long) ((after.heapUsedMb() - before.heapUsedMb()) * 1024 * 1024), edges),
                    Jvm.kbPer((long) ((after.rssMb() - before.rssMb()) * 1024 * 1024), edges), journalBytes);
        }
    }

    private static MemoryReport.Footprint footprint() throws IOException {
        double heapMb = Jvm.usedHeapAfterGc() / 1024.0 / 1024.0;
        long rssKb = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")))
                .findFirst().orElse(0);
        int openFiles;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            openFiles = (int) fds.count();
        }
        return new MemoryReport.Footprint(BenchReport.round1(heapMb), BenchReport.round1(rssKb / 1024.0),
                ManagementFactory.getThreadMXBean().getThreadCount(), openFiles);
    }
}
