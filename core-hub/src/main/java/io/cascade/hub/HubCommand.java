package io.cascade.hub;

import io.cascade.hub.metrics.HubMetrics;
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

/** {@code cascade hub}: runs the core hub next to its nats-server. */
@Command(name = "hub", mixinStandardHelpOptions = true,
        description = "Run the core hub: the gRPC FleetService next to the hub's nats-server (JetStream domain core).")
public final class HubCommand implements Callable<Integer> {

    @Option(names = "--nats", defaultValue = "nats://127.0.0.1:4222", description = "The hub's nats-server (default: ${DEFAULT-VALUE}).")
    String natsUrl;

    @Option(names = "--grpc-host", defaultValue = "0.0.0.0", description = "Address of the gRPC FleetService (default: ${DEFAULT-VALUE}).")
    String grpcHost;

    @Option(names = "--grpc-port", defaultValue = "7443", description = "Port of the gRPC FleetService (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--fleet", description = "Fleet file (YAML); default: the bundled demo fleet.")
    Path fleetFile;

    @Mixin
    CredentialsOption creds;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
        Fleet fleet = Fleets.loadOrDemo(fleetFile);
        HubConfig config = new HubConfig(natsUrl, grpcHost, grpcPort, fleet, creds.read());
        ProcessRegistry meters = metrics.open(ProcessRegistry.Tier.HUB, null);
        Daemon.startAndRun("hub", meters, () -> Hub.start(config, new HubMetrics(meters.registry())));
        return 0;
    }

    public static void main(String[] args) {
        CommandMain.exit(new HubCommand(), args);
    }
}
