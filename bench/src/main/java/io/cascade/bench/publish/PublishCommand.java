package io.cascade.bench.publish;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench publish}: PublishIntent throughput and latency at the hub, by client concurrency. */
@Command(name = "publish", mixinStandardHelpOptions = true,
        description = {"Publish throughput: starts a hub and 2 relays (nats-servers and services), then for each "
                + "concurrency level C runs C clients, each with its own gRPC channel, calling PublishIntent "
                + "back-to-back, every call a new bundle version of one of --apps apps; measures throughput and "
                + "latency, then checks the hub holds the last publish of every app (ListIntents, KV intents and "
                + "desired).",
                "Writes publish-<publishes>.json and publish-<publishes>.md to --out and prints them."})
public final class PublishCommand extends ScenarioCommand {

    @Option(names = "--clients", split = ",", defaultValue = "1,8,32",
            description = "Concurrency levels, run in this order (default: ${DEFAULT-VALUE}).")
    List<Integer> clients;

    @Option(names = "--publishes", defaultValue = "2000", description = "Publishes per level (default: ${DEFAULT-VALUE}).")
    int publishes;

    @Option(names = "--apps", defaultValue = "64", description = "Distinct apps the publishes go round (default: ${DEFAULT-VALUE}).")
    int apps;

    @Option(names = "--warmup", defaultValue = "200",
            description = "Unreported publishes first, at the highest level's concurrency (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--sites", defaultValue = "2",
            description = "Sites in the fleet file; no edge runs (default: ${DEFAULT-VALUE}).")
    int sites;

    @Option(names = "--pad-bytes", defaultValue = "1024",
            description = "Extra bytes in each intent's ConfigMap (default: ${DEFAULT-VALUE}).")
    int padBytes;

    @Option(names = "--deadline", defaultValue = "30", description = "Seconds each PublishIntent call may take (default: ${DEFAULT-VALUE}).")
    int deadlineSeconds;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        PublishSettings settings = new PublishSettings(clients, publishes, apps, warmup, sites, padBytes,
                Duration.ofSeconds(deadlineSeconds));
        try (BenchFleet fleet = BenchFleet.start(settings.sites(), dir)) {
            return new PublishBench(fleet, settings).run();
        }
    }
}
