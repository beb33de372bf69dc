package io.cascade.relay;

import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.launch.CommandMain;
import io.cascade.topology.launch.Daemon;
import io.cascade.topology.metrics.MetricsOptions;
import io.cascade.topology.metrics.ProcessRegistry;
import io.cascade.topology.trust.CredentialsOption;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cascade relay}: runs a region's relay next to its nats-server. */
@Command(name = "relay", mixinStandardHelpOptions = true,
        description = "Run a regional relay next to the region's nats-server (a leaf node of the hub).")
public final class RelayCommand implements Callable<Integer> {

    @Option(names = "--region", required = true, description = "The region this relay serves.")
    String region;

    @Option(names = "--nats", defaultValue = "tls://127.0.0.1:4222", description = "The relay's nats-server, over TLS, or every "
            + "node of a region of 3 relay servers, comma-separated (default: ${DEFAULT-VALUE}).")
    String natsUrl;

    @Option(names = "--replicas", defaultValue = "1", description = "Copies of the region's buckets (the desired mirror, the "
            + "sites' status): 3 on a region of 3 relay servers, so it survives losing one (default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--shared", arity = "0..1", description = "Two or more relay services serve the region: they share the "
            + "sites' reports and syncs, each follows the status bucket for the others' writes, one at a time sends the "
            + "region's rollup (default: true with --replicas 3, else false).")
    Boolean shared;

    @Option(names = "--fleet", description = "Fleet file (YAML); default: the bundled demo fleet.")
    Path fleetFile;

    @Mixin
    CredentialsOption creds;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
        Fleet fleet = Fleets.loadOrDemo(fleetFile);
        RelayConfig config = shared == null ? new RelayConfig(region, natsUrl, fleet, creds.read(), replicas)
                : new RelayConfig(region, natsUrl, fleet, creds.read(), replicas, shared);
        ProcessRegistry meters = metrics.open(ProcessRegistry.Tier.RELAY, region);
        Daemon.startAndRun("relay-" + region, meters, () -> Relay.start(config, new RelayMetrics(meters.registry())));
        return 0;
    }

    public static void main(String[] args) {
        CommandMain.exit(new RelayCommand(), args);
    }
}
