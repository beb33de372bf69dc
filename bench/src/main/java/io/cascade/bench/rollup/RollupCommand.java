package io.cascade.bench.rollup;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ScenarioCommand;
import io.cascade.topology.launch.DurationConverter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench rollup}: the hub's inbound status load with relays rolling it up, and flat. */
@Command(name = "rollup", mixinStandardHelpOptions = true,
        description = {"Status rollup: how much status traffic reaches the hub's nats-server. First Cascade: hub, 2 relays "
                + "and N real edges (sim provider) with one intent on every site, heartbeats at --heartbeat, the relays "
                + "rolling status up. Then flat: N plain connections straight to the hub sending the same messages at "
                + "the same heartbeat, one subscriber at the hub taking them. Each variant settles, then the hub's "
                + "/varz, /leafz and /connz are read at both ends of a --duration window.",
                "Writes rollup-<N>.json and rollup-<N>.md to --out and prints them."})
public final class RollupCommand extends ScenarioCommand {

    @Option(names = "--edges", defaultValue = "1000", description = "Sites, split over 2 regions (default: ${DEFAULT-VALUE}; at most 10000).")
    int edges;

    @Option(names = "--heartbeat", defaultValue = "10s", converter = DurationConverter.class,
            description = "The edges' status heartbeat, ±20 %% jitter (default: ${DEFAULT-VALUE}).")
    Duration heartbeat;

    @Option(names = "--duration", defaultValue = "30s", converter = DurationConverter.class,
            description = "Measured window of each variant (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(names = "--settle", converter = DurationConverter.class,
            description = "Wait after every site reported, before the window (default: 2 heartbeats).")
    Duration settle;

    @Option(names = "--connect-parallelism", defaultValue = "64", description = "Flat connections opened at once (default: ${DEFAULT-VALUE}).")
    int connectParallelism;

    @Option(names = "--setup-timeout", defaultValue = "600s", converter = DurationConverter.class,
            description = "How long starting the edges and waiting for every site's report may take (default: ${DEFAULT-VALUE}).")
    Duration setupTimeout;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        RollupSettings settings = new RollupSettings(edges, heartbeat, duration,
                settle != null ? settle : RollupSettings.defaultSettle(heartbeat), connectParallelism, setupTimeout);
        return new RollupBench(settings, dir).run();
    }
}
