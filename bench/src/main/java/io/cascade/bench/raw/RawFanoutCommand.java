package io.cascade.bench.raw;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ProtectionOptions;
import io.cascade.bench.ScenarioCommand;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.launch.LocalFabric;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cascade bench raw-fanout}: the raw NATS fan-out limit, hub → 2 relays → N subscribers. */
@Command(name = "raw-fanout", mixinStandardHelpOptions = true,
        description = {"Raw NATS fan-out: starts a hub and 2 relay nats-servers, connects N plain subscribers "
                + "split evenly across the relays, publishes at the hub and measures when each subscriber got it: "
                + "one message on one shared subject, and N messages on N per-site subjects.",
                "--auth off / --tls off run the servers without them, to measure what they cost.",
                "Writes raw-fanout-<N>[-auth-off][-tls-off].json and .md to --out and prints them."})
public final class RawFanoutCommand extends ScenarioCommand {

    /** The fabric of every raw run: a hub and two relays on this machine, ports picked free. */
    static final String FLEET = """
            name: bench
            hub: {host: 127.0.0.1}
            regions:
              - {name: eu}
              - {name: us}
            """;

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

    @Mixin
    ProtectionOptions protection;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        RawFanoutSettings settings = new RawFanoutSettings(edges, rounds, warmup, connectParallelism,
                Duration.ofSeconds(roundTimeoutSeconds), Duration.ofSeconds(setupTimeoutSeconds));
        Fleet fleet = FleetFile.parse(FLEET, "raw-fanout fleet");
        try (LocalFabric fabric = LocalFabric.startCarrying(fleet, dir, RawFanout.SUBJECTS, protection.protection())) {
            return new RawFanout(fabric, settings).run();
        }
    }
}
