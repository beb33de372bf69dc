package io.cascade.bench.fanout;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ProtectionOptions;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.edge.EdgeTuning;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cascade bench fanout}: one intent to N simulated edges, against the raw NATS limit in the same run. */
@Command(name = "fanout", mixinStandardHelpOptions = true,
        description = {"Fan-out: starts a hub and 2 relays (nats-servers and services), measures the raw NATS limit "
                + "with N plain subscribers, then starts N simulated edges (RocksDB journals, simulated provider at "
                + "zero latency) and per round publishes a new version of one app targeting every site: time to the "
                + "first, p50, p99 and last apply, and until the hub's rollup shows N/N READY.",
                "--auth off / --tls off run the servers without them, to measure what they cost.",
                "Writes fanout-<N>[-auth-off][-tls-off].json and .md to --out and prints them."})
public final class FanoutCommand extends ScenarioCommand {

    @Option(names = "--edges", defaultValue = "1000", description = "Simulated edges (default: ${DEFAULT-VALUE}; at most 10000 per JVM).")
    int edges;

    @Option(names = "--rounds", defaultValue = "3", description = "Measured rounds, raw and Cascade each (default: ${DEFAULT-VALUE}).")
    int rounds;

    @Option(names = "--warmup", defaultValue = "1", description = "Unreported warm-up rounds first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--round-timeout", defaultValue = "120", description = "Seconds one round may take (default: ${DEFAULT-VALUE}).")
    int roundTimeoutSeconds;

    @Option(names = "--setup-timeout", defaultValue = "600", description = "Seconds starting the edges may take (default: ${DEFAULT-VALUE}).")
    int setupTimeoutSeconds;

    @Mixin
    ProtectionOptions protection;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        FanoutSettings settings = new FanoutSettings(edges, rounds, warmup, Duration.ofSeconds(roundTimeoutSeconds),
                Duration.ofSeconds(setupTimeoutSeconds), EdgeTuning.DEFAULTS);
        try (BenchFleet fleet = BenchFleet.start(edges, dir, protection.protection())) {
            return new Fanout(fleet, settings).run();
        }
    }
}
