package io.cascade.topology.metrics;

import java.io.IOException;
import picocli.CommandLine.Option;

/** The {@code --metrics-port} and {@code --metrics-host} options every tier's command line mixes in. */
public final class MetricsOptions {

    @Option(names = "--metrics-port",
            description = "Serve Prometheus metrics on http://<--metrics-host>:PORT/metrics (0: a free port, logged; default: off).")
    Integer port;

    @Option(names = "--metrics-host", defaultValue = "0.0.0.0",
            description = "The address the metrics endpoint binds (default: ${DEFAULT-VALUE}).")
    String host = "0.0.0.0";

    /**
     * Opens the process's registry and serves it, with the JVM's meters, when a port was given; a failed start closes
     * it again.
     */
    public ProcessRegistry open(ProcessRegistry.Tier tier, String region) throws IOException {
        ProcessRegistry meters = ProcessRegistry.open(tier, region, port != null);
        try {
            meters.serve(host, port);
        } catch (IOException | RuntimeException e) {
            meters.close();
            throw e;
        }
        return meters;
    }
}
