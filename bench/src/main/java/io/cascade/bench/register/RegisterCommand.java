package io.cascade.bench.register;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench register}: N devices join with bootstrap tokens until the hub counts them all. */
@Command(name = "register", mixinStandardHelpOptions = true,
        description = {"Registration at fleet scale: starts a hub and 2 relays with no sites, makes one bootstrap token per "
                + "region, then N simulated devices in a process of their own (C at a time) each make their own key, call RegisterSite over TLS, store "
                + "their identity, connect to their relay as an edge (RocksDB journal, simulated provider) and report; the "
                + "run ends when the hub's rollup counts all N online. Per-site stage times, the total, and each process's CPU.",
                "Writes register-<N>.json and .md to --out and prints them."})
public final class RegisterCommand extends ScenarioCommand {

    @Option(names = "--sites", defaultValue = "3000", description = "Devices that register (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--callers", defaultValue = "32", description = "Devices registering at once (default: ${DEFAULT-VALUE}).")
    int callers;

    @Option(names = "--timeout", defaultValue = "300", description = "Seconds the whole run may take (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        if (sites < 1 || sites > 10_000) {
            throw new IllegalArgumentException("--sites must be within 1..10000, got " + sites);
        }
        if (callers < 1 || callers > 1_000) {
            throw new IllegalArgumentException("--callers must be within 1..1000, got " + callers);
        }
        try (BenchFleet fleet = BenchFleet.start(0, dir)) {
            return new RegisterBench(fleet, dir, sites, callers, Duration.ofSeconds(timeoutSeconds)).run();
        }
    }
}
