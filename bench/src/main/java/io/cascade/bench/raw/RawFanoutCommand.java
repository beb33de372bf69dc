package io.cascade.bench.raw;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.launch.LocalFabric;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cascade bench raw-fanout}: the raw NATS fan-out limit, hub → 2 relays → N subscribers. */
@Command(name = "raw-fanout", mixinStandardHelpOptions = true,
        description = {"Raw NATS fan-out: starts a hub and 2 relay nats-servers, connects N plain subscribers "
                + "split evenly across the relays, publishes at the hub and measures when each subscriber got it: "
                + "one message on one shared subject, and N messages on N per-site subjects.",
                "Writes raw-fanout-<N>.json and raw-fanout-<N>.md to --out and prints them."})
public final class RawFanoutCommand implements Callable<Integer> {

    /** The fabric of every raw run: a hub and two relays on this machine, ports picked free. */
    static final String FLEET = """
            name: bench
            hub: {host: 127.0.0.1}
            regions:
              - {name: eu}
              - {name: us}
            """;

    @Spec
    CommandSpec spec;

    @Option(names = "--edges", defaultValue = "1000", description = "Subscriber connections (default: ${DEFAULT-VALUE}; at most 10000 per JVM).")
    int edges;

    @Option(names = "--rounds", defaultValue = "5", description = "Measured rounds of each variant (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1", description = "Unreported warm-up rounds first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--connect-parallelism", defaultValue = "64", description = "Connections opened at once (default: ${DEFAULT-VALUE}).")
    int connectParallelism;

    @Option(names = "--round-timeout", defaultValue = "60", description = "Seconds one round may take (default: ${DEFAULT-VALUE}).")
    int roundTimeoutSeconds;

    @Option(names = "--setup-timeout", defaultValue = "300", description = "Seconds connecting and interest propagation may take (default: ${DEFAULT-VALUE}).")
    int setupTimeoutSeconds;

    @Option(names = "--out", defaultValue = "bench/results", description = "Directory for the results (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--work-dir", description = "Directory for the nats-servers' configs, stores and logs (default: a temp dir, removed after a successful run).")
    Path workDir;

    @Override
    public Integer call() throws Exception {
        RawFanoutSettings settings = new RawFanoutSettings(edges, rounds, warmup, connectParallelism,
                Duration.ofSeconds(roundTimeoutSeconds), Duration.ofSeconds(setupTimeoutSeconds));
        Fleet fleet = FleetFile.parse(FLEET, "raw-fanout fleet");
        Path dir = workDir != null ? workDir : Files.createTempDirectory("cascade-bench-raw-fanout-");
        PrintWriter stdout = spec.commandLine().getOut();
        RawFanoutReport report;
        try (LocalFabric fabric = LocalFabric.start(fleet, dir)) {
            report = new RawFanout(fabric, settings).run();
        } catch (Exception e) {
            spec.commandLine().getErr().println("raw-fanout: nats-server configs and logs kept in " + dir);
            throw e;
        }
        var files = report.writeTo(out);
        stdout.println(report.markdown());
        stdout.println(report.json());
        files.forEach(f -> stdout.println("wrote " + f));
        stdout.flush();
        if (workDir == null) {
            deleteRecursively(dir);
        }
        if (!report.complete()) {
            spec.commandLine().getErr().println("raw-fanout: some subscribers missed a message; see the rounds' missing counts");
            return 1;
        }
        return 0;
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
