package io.cascade.bench.dashboard;

import io.cascade.bench.BenchReport;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import java.nio.file.Path;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade bench dashboard}: the dashboard's page load and its live lag, on a fleet of simulated sites. */
@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = "The hub's dashboard with N simulated sites: the page's requests as it loads (cold, then warm), and the "
                + "time from each site's apply of a rollout to the page's event stream counting it.")
public final class DashboardCommand extends ScenarioCommand {

    @Option(names = "--edges", defaultValue = "10000", description = "Simulated sites (default: ${DEFAULT-VALUE}).")
    int edges;

    @Option(names = "--loads", defaultValue = "10", description = "Warm page loads measured after the cold one (default: ${DEFAULT-VALUE}).")
    int loads;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        if (edges < 2 || loads < 1) {
            throw new IllegalArgumentException("--edges must be at least 2 and --loads at least 1");
        }
        String startedAt = Instant.now().toString();
        try (BenchFleet fleet = BenchFleet.start(edges, dir)) {
            DashboardBench bench = new DashboardBench(fleet, loads);
            return bench.run(startedAt);
        }
    }
}
