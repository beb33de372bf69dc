package io.cascade.edge;

import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.Providers;
import io.cascade.edge.reconcile.MaintenanceWindow;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.launch.CommandMain;
import io.cascade.topology.launch.Daemon;
import io.cascade.topology.metrics.MetricsOptions;
import io.cascade.topology.metrics.ProcessRegistry;
import io.cascade.topology.trust.CredentialsOption;
import io.cascade.topology.trust.UserCredentials;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code cascade edge}: runs one edge site ({@code --site/--region/--labels}), or every site of a
 * region of a fleet file in this JVM ({@code --fleet-region}).
 */
@Command(name = "edge", mixinStandardHelpOptions = true,
        description = "Run an edge node (one site, or every site of a region of a fleet file) against its relay.")
public final class EdgeCommand implements Callable<Integer> {

    @Option(names = "--relay", defaultValue = "tls://127.0.0.1:4222", description = "The region relay's nats-server, over TLS (default: ${DEFAULT-VALUE}).")
    String relayUrl;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Sites sites;

    static final class Sites {
        @ArgGroup(exclusive = false)
        One one;

        @Option(names = "--fleet-region", description = "Run every site of this region of the fleet file (see --fleet).")
        String fleetRegion;
    }

    static final class One {
        @Option(names = "--site", required = true, description = "Site id, e.g. store-0042.")
        String site;

        @Option(names = "--region", required = true, description = "The site's region.")
        String region;

        @Option(names = "--labels", defaultValue = "", description = "The site's labels: k=v,k2=v2.")
        String labels;
    }

    @Option(names = "--fleet", description = "Fleet file (YAML) for --fleet-region; default: the bundled demo fleet.")
    Path fleetFile;

    @Option(names = "--maintenance", paramLabel = "HH:MM-HH:MM",
            description = "A daily window (UTC) during which the site(s) defer new revisions; they upgrade when it closes.")
    String maintenance;

    @Option(names = "--journal", defaultValue = ".cascade/edge-journal",
            description = "The RocksDB journal directory, shared by the sites of this process (default: ${DEFAULT-VALUE}).")
    Path journal;

    @Option(names = "--provider", defaultValue = "sim",
            description = "Where apps are applied: sim[:latency=50ms,failure=0.1], dir:PATH (one subdirectory per site when "
                    + "several run here), k8s[:context=NAME] (default: ${DEFAULT-VALUE}).")
    String provider;

    @Mixin
    CredentialsOption creds;

    @Option(names = "--creds-dir", paramLabel = "DIR",
            description = "With --fleet-region: one credentials file per site, DIR/<site>.creds (made by `cascade trust site`).")
    Path credsDir;

    @Mixin
    MetricsOptions metrics;

    @Override
    public Integer call() throws Exception {
        List<EdgeConfig> configs;
        var window = MaintenanceWindow.parseOptional(maintenance);
        if (sites.one != null) {
            if (credsDir != null) {
                throw new IllegalArgumentException("--creds-dir is for --fleet-region; one site takes --creds FILE");
            }
            configs = List.of(new EdgeConfig(sites.one.site, sites.one.region,
                    EdgeConfig.parseLabels(sites.one.labels), relayUrl, window, creds.read()));
        } else {
            Fleet fleet = Fleets.loadOrDemo(fleetFile);
            configs = fleet.requireRegion(sites.fleetRegion).sites().stream()
                    .map(s -> new EdgeConfig(s.name(), sites.fleetRegion, s.labels(), relayUrl, window, siteCredentials(s.name())))
                    .toList();
        }
        boolean several = configs.size() > 1;
        Providers.fromSpec(provider).close();
        ProcessRegistry meters = metrics.open(ProcessRegistry.Tier.EDGE, sites.one != null ? sites.one.region : sites.fleetRegion);
        Daemon.startAndRun("edge", meters, () -> EdgeHost.start(configs, EdgeTuning.DEFAULTS, journal,
                site -> Providers.fromSpec(several && provider.startsWith("dir:") ? provider + "/" + site : provider),
                new EdgeMetrics(meters.registry())));
        return 0;
    }

    /** A site's credentials in fleet mode: {@code --creds-dir/<site>.creds}, or anonymous without --creds-dir. */
    private Optional<UserCredentials> siteCredentials(String site) {
        if (creds.read().isPresent()) {
            throw new IllegalArgumentException("--creds names one site's credentials; --fleet-region takes --creds-dir DIR");
        }
        return Optional.ofNullable(credsDir).map(d -> UserCredentials.read(d.resolve(site + ".creds")));
    }

    public static void main(String[] args) {
        CommandMain.exit(new EdgeCommand(), args);
    }
}
