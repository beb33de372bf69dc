package io.cascade.bench.failover;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench failover}: the cost of each failure of an HA fabric during a rollout. */
@Command(name = "failover", mixinStandardHelpOptions = true,
        description = "The hub and both regions as 3-node clusters; during a rollout per failure, kill -9 a server or service and measure "
                + "the time without progress (until status and deltas flow again) and to completion.")
public final class FailoverCommand extends ScenarioCommand {

    @Option(names = "--edges", defaultValue = "1000", description = "Simulated sites (default: ${DEFAULT-VALUE}).")
    int edges;

    @Option(names = "--waves", defaultValue = "10", description = "Waves of each rollout (default: ${DEFAULT-VALUE}).")
    int waves;

    @Option(names = "--kill-at", defaultValue = "30", description = "The wave (percent) at which a failure is injected "
            + "(default: ${DEFAULT-VALUE}).")
    int killAt;

    @Option(names = "--kills", defaultValue = "meta-leader,hub-service,relay-server,relay-service,leaf-cut", split = ",",
            description = "The failures, one rollout each: meta-leader, hub-service, relay-server, relay-service, leaf-cut "
                    + "(default: ${DEFAULT-VALUE}).")
    List<String> kills;

    @Option(names = "--cut", defaultValue = "30s", converter = io.cascade.topology.launch.DurationConverter.class,
            description = "How long leaf-cut holds every leaf link of eu cut (default: ${DEFAULT-VALUE}).")
    java.time.Duration cut;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        FailoverSettings settings = new FailoverSettings(edges, waves,
                kills.stream().map(FailoverSettings.Kill::parse).toList(), killAt, cut.toMillis());
        String startedAt = Instant.now().toString();
        try (BenchFleet fleet = BenchFleet.startHa(edges, dir)) {
            List<FailoverReport.Round> rounds = new Failover(fleet, settings).run();
            return new FailoverReport(FailoverReport.SCENARIO, startedAt, fleet.machine(), settings, rounds);
        }
    }
}
