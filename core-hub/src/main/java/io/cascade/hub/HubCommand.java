package io.cascade.hub;

import io.cascade.hub.metrics.HubMetrics;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.launch.CommandMain;
import io.cascade.topology.launch.Daemon;
import io.cascade.topology.metrics.ProcessRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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

    @Option(names = "--metrics-port",
            description = "Serve Prometheus metrics on http://<--metrics-host>:PORT/metrics (0: a free port, logged; default: off).")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "0.0.0.0",
            description = "The address the metrics endpoint binds (default: ${DEFAULT-VALUE}).")
    String metricsHost;

    @Override
    public Integer call() throws Exception {
        Fleet fleet = Fleets.loadOrDemo(fleetFile);
        HubConfig config = new HubConfig(natsUrl, grpcHost, grpcPort, fleet);
        ProcessRegistry meters = ProcessRegistry.open(ProcessRegistry.Tier.HUB, null);
        Hub hub;
        try {
            meters.serve(metricsHost, metricsPort);
            hub = Hub.start(config, new HubMetrics(meters.registry()));
        } catch (Exception e) {
            meters.close();
            throw e;
        }
        Daemon.runUntilStopped("hub", hub, meters);
        return 0;
    }

    public static void main(String[] args) {
        CommandMain.exit(new HubCommand(), args);
    }
}
