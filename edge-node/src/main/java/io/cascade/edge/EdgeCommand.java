package io.cascade.edge;

import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.Providers;
import io.cascade.edge.reconcile.MaintenanceWindow;
import io.cascade.edge.registration.SiteIdentity;
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

    static final String DEFAULT_RELAY = "tls://127.0.0.1:4222";

    @Option(names = "--relay", description = "The region relay's nats-server, over TLS (default: the one the hub named at "
            + "registration, else " + DEFAULT_RELAY + ").")
    String relayUrl;

    @Option(names = "--register", paramLabel = "TOKEN", description = "Join the fleet with this bootstrap token (from `cascade "
            + "token create`): the site makes its own key, registers at --hub and keeps its identity beside the journal "
            + "(<journal>/identity, 0600). Later starts reuse it and need no token.")
    String registerToken;

    @Option(names = "--hub", paramLabel = "HOST:PORT", description = "With --register: the hub's gRPC API.")
    String hub;

    @Option(names = "--ca", paramLabel = "FILE", description = "With --register: the fleet CA's certificate the hub's is checked against.")
    Path ca;

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
            configs = List.of(oneSite(window));
        } else {
            Fleet fleet = Fleets.loadOrDemo(fleetFile);
            configs = fleet.requireRegion(sites.fleetRegion).sites().stream()
                    .map(s -> new EdgeConfig(s.name(), sites.fleetRegion, s.labels(), relay(), window, siteCredentials(s.name())))
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

    private String relay() {
        return relayUrl != null ? relayUrl : DEFAULT_RELAY;
    }

    /**
     * The one site of this process: with --creds as given; else with the identity stored beside the
     * journal, registering first with --register when there is none; else anonymous.
     */
    private EdgeConfig oneSite(Optional<MaintenanceWindow> window) {
        String site = sites.one.site;
        Path identityDir = journal.resolve("identity");
        boolean stored = SiteIdentity.load(identityDir, site).isPresent();
        if (registerToken == null && !stored) {
            if (hub != null || ca != null) {
                throw new IllegalArgumentException("--hub and --ca are for --register TOKEN");
            }
            return new EdgeConfig(site, sites.one.region, EdgeConfig.parseLabels(sites.one.labels), relay(), window, creds.read());
        }
        if (creds.read().isPresent()) {
            throw new IllegalArgumentException("--creds and a registered identity (--register, or one stored in " + identityDir
                    + ") exclude each other");
        }
        if (registerToken != null && (hub == null || ca == null)) {
            throw new IllegalArgumentException(hub == null ? "--register needs --hub HOST:PORT and --ca FILE"
                    : "--register needs --ca FILE: the fleet CA the hub's certificate is checked against");
        }
        java.util.Map<String, String> claimed = EdgeConfig.parseLabels(sites.one.labels);
        SiteIdentity id = SiteIdentity.loadOrRegister(identityDir, site, sites.one.region, claimed,
                Optional.ofNullable(registerToken), hub == null ? Optional.empty() : Optional.of(new SiteIdentity.Hub(hub, ca)));
        if (!id.region().equals(sites.one.region)) {
            throw new IllegalArgumentException("--region " + sites.one.region + ": site " + site + " is registered in region " + id.region());
        }
        claimed.forEach((k, v) -> {
            if (!v.equals(id.labels().get(k))) {
                throw new IllegalArgumentException("--labels " + k + "=" + v + ": site " + site + " was registered with labels "
                        + id.labels() + " (a token's labels are fixed)");
            }
        });
        String url = relayUrl != null ? relayUrl : id.relayUrls().stream().findFirst().orElse(DEFAULT_RELAY);
        return new EdgeConfig(site, id.region(), id.labels(), url, window, Optional.of(id.credentials()));
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
