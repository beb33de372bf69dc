package io.cascade.cli;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.k8s.EdgeManifests;
import io.cascade.topology.k8s.KubernetesManifests;
import io.cascade.topology.k8s.ManifestOptions;
import io.cascade.topology.launch.ClusterPlan;
import io.cascade.topology.natsconf.FabricConfigs;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cascade topology}: tools for the shape of the fabric. */
@Command(name = "topology", mixinStandardHelpOptions = true,
        description = "Tools for the shape of the fabric.",
        subcommands = TopologyCommand.Render.class)
public final class TopologyCommand implements Runnable {

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** {@code cascade topology render}: nats-server configs and Kubernetes manifests of a fleet. */
    @Command(name = "render", mixinStandardHelpOptions = true,
            description = "Render a fleet's nats-server configs (hub.conf, relay-<region>.conf, for one host), "
                    + "its Kubernetes manifests (kubernetes.yaml) and each site's edge for the site's own cluster "
                    + "(edges/<site>.yaml) into a directory.")
    static final class Render implements Callable<Integer> {

        /** Where ports left at 0 start when rendering configs for one host (deterministic output). */
        static final int FIRST_PORT = 14222;
        /** nats-servers of each cluster with --ha. */
        static final int HA_NODES = 3;
        /** Where each site's edge manifests go. */
        static final String EDGES = "edges";

        @Option(names = "--fleet", description = "Fleet file (YAML); default: the bundled demo fleet.")
        Path fleetFile;

        @Option(names = {"-o", "--out"}, defaultValue = "rendered", description = "Output directory (default: ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--data-dir", defaultValue = "/var/lib/cascade", description = "Base of the JetStream store dirs (default: ${DEFAULT-VALUE}).")
        String dataDir;

        @Option(names = "--namespace", defaultValue = ManifestOptions.DEFAULT_NAMESPACE, description = "Kubernetes namespace (default: ${DEFAULT-VALUE}).")
        String namespace;

        @Option(names = "--image", defaultValue = ManifestOptions.DEFAULT_CASCADE_IMAGE, description = "Cascade container image (default: ${DEFAULT-VALUE}).")
        String image;

        @Option(names = "--trust-dir", defaultValue = TrustCommand.DEFAULT_DIR,
                description = "The trust root the servers trust (made by `cascade trust init`; default: ${DEFAULT-VALUE}).")
        Path trustDir;

        @Option(names = "--nats-image", defaultValue = ManifestOptions.DEFAULT_NATS_IMAGE, description = "nats-server container image (default: ${DEFAULT-VALUE}).")
        String natsImage;

        @Option(names = "--ha", description = "The hub and every region as clusters of 3 nats-servers: hub-N.conf and "
                + "relay-<region>-N.conf (routes over TLS with a route password, 0600; every relay node's leaf remotes list every "
                + "hub node) and Kubernetes StatefulSets of 3 pods with a headless Service, a PodDisruptionBudget and "
                + "readiness on JetStream health.")
        boolean ha;

        @Option(names = "--edge-relay", paramLabel = "REGION=URL", description = "Where the edges of REGION (edges/<site>.yaml) "
                + "reach their relay, e.g. tls://relay-eu.example.com:4222 (a name its certificate carries; default: the relay's "
                + "Service in the fleet's cluster).")
        Map<String, String> edgeRelays = new LinkedHashMap<>();

        @Override
        public Integer call() throws Exception {
            Fleet declared = Fleets.loadOrDemo(fleetFile);
            for (String region : edgeRelays.keySet()) {
                declared.requireRegion(region);
            }
            ManifestOptions options = ManifestOptions.defaults(Fleets.textOrDemo(fleetFile))
                    .withNamespace(namespace).withCascadeImage(image).withNatsImage(natsImage);
            TrustRoot trust = TrustCommand.load(trustDir);
            String manifests = KubernetesManifests.toYaml(KubernetesManifests.build(declared, options, trust, ha ? HA_NODES : 1));
            AtomicInteger next = new AtomicInteger(FIRST_PORT);
            Fleet fleet = declared.resolvePorts(next::getAndIncrement);
            Files.createDirectories(out);
            write("kubernetes.yaml", manifests);
            // each site's own cluster: its edge with the k8s provider (0600: the site's credentials are in it)
            Files.createDirectories(out.resolve(EDGES));
            for (RegionSpec r : declared.regions()) {
                for (SiteSpec s : r.sites()) {
                    writeSecret(EDGES + "/" + s.name() + ".yaml", KubernetesManifests.toYaml(
                            EdgeManifests.build(declared, r, s, options, trust, edgeRelays.get(r.name()))));
                }
            }
            // for one host: every server names the operator JWT here; each relay logs in to the hub as its leaf user
            Path dir = out.toAbsolutePath();
            write("operator.jwt", trust.operatorJwt());
            if (ha) {
                renderHa(fleet, trust, dir, next);
                return 0;
            }
            var hub = fleet.hub();
            write("hub.conf", FabricConfigs.hub(fleet, hub.ports(), hub.host(), dataDir + "/hub",
                    hub.host() + ":" + hub.ports().leaf(), auth(trust, dir, dataDir + "/hub"),
                    leafTls(trust, dir, "hub", List.of(hub.host(), "localhost"))).render());
            for (RegionSpec r : fleet.regions()) {
                write("relay-" + r.name() + ".conf", FabricConfigs.relay(fleet, r, r.ports(), r.host(),
                        dataDir + "/relay-" + r.name(), List.of(FabricConfigs.leafUrl(hub.host(), hub.ports().leaf())),
                        Optional.of(auth(trust, dir, dataDir + "/relay-" + r.name())), leafLogins(trust, dir, r),
                        Optional.of(leafTls(trust, dir, "relay-" + r.name(), List.of(r.host(), "localhost")))).render());
            }
            return 0;
        }

        /** The clusters' configs for one host: the first node on the fleet's ports, the others on the next ones. */
        private void renderHa(Fleet fleet, TrustRoot trust, Path dir, AtomicInteger next) throws java.io.IOException, InterruptedException {
            var hub = fleet.hub();
            ClusterPlan hubPlan = ClusterPlan.of(hub.host(), hub.ports(), HA_NODES, next::getAndIncrement);
            NatsServerConfig.Tls hubTls = leafTls(trust, dir, "hub", List.of(hub.host(), "localhost"));
            List<java.net.URI> hubLeafs = new java.util.ArrayList<>();
            for (int i = 0; i < HA_NODES; i++) {
                var ports = hubPlan.ports().get(i);
                String data = dataDir + "/hub-" + (i + 1);
                writeSecret("hub-" + (i + 1) + ".conf", FabricConfigs.hubNode(fleet, i + 1, ports, hubPlan.routePorts().get(i),
                        hubPlan.routes(), hub.host(), data, hub.host() + ":" + ports.leaf(), Optional.of(auth(trust, dir, data)),
                        Optional.of(hubTls), hubPlan.password()).render());
                hubLeafs.add(FabricConfigs.leafUrl(hub.host(), ports.leaf()));
            }
            for (RegionSpec r : fleet.regions()) {
                List<NatsServerConfig.LeafLogin> logins = leafLogins(trust, dir, r);
                ClusterPlan plan = ClusterPlan.of(r.host(), r.ports(), HA_NODES, next::getAndIncrement);
                NatsServerConfig.Tls tls = leafTls(trust, dir, "relay-" + r.name(), List.of(r.host(), "localhost"));
                for (int i = 0; i < HA_NODES; i++) {
                    String data = dataDir + "/relay-" + r.name() + "-" + (i + 1);
                    writeSecret("relay-" + r.name() + "-" + (i + 1) + ".conf", FabricConfigs.relayNode(fleet, r, i + 1,
                            plan.ports().get(i), plan.routePorts().get(i), plan.routes(), r.host(), data, hubLeafs,
                            Optional.of(auth(trust, dir, data)), logins, Optional.of(tls), plan.password()).render());
                }
            }
        }

        /** The relay's two logins at the hub, written beside the configs (0600). */
        private static List<NatsServerConfig.LeafLogin> leafLogins(TrustRoot trust, Path dir, RegionSpec r) throws java.io.IOException {
            Path leafCreds = trust.issue(new Identity.RelayLeaf(r.name())).write(dir.resolve("leaf-" + r.name() + ".creds"));
            Path sysLeafCreds = trust.issue(new Identity.RelaySystemLeaf(r.name())).write(dir.resolve("sysleaf-" + r.name() + ".creds"));
            System.out.println("wrote " + leafCreds + " and " + sysLeafCreds + " (0600: the relay's two logins at the hub)");
            return List.of(new NatsServerConfig.LeafLogin(leafCreds.toString(), trust.accountPublicKey()),
                    new NatsServerConfig.LeafLogin(sysLeafCreds.toString(), trust.systemAccountPublicKey()));
        }

        /** Writes a config that holds a route password: readable by its owner only. */
        private void writeSecret(String name, String text) throws java.io.IOException {
            write(name, text);
            Files.setPosixFilePermissions(out.resolve(name), java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        }

        /** The leaf links' certificate of one server ({@code <server>-leaf.crt/.key}, 0600) and the CA beside them. */
        private static NatsServerConfig.Tls leafTls(TrustRoot trust, Path dir, String server, List<String> names)
                throws java.io.IOException {
            Path cert = dir.resolve(server + "-leaf.crt");
            Path key = dir.resolve(server + "-leaf.key");
            trust.issueServerCertificate(names.stream().distinct().toList(), cert, key);
            Files.copy(trust.caCertFile(), dir.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return new NatsServerConfig.Tls(cert.toString(), key.toString(), dir.resolve("ca.crt").toString());
        }

        private static NatsServerConfig.Auth auth(TrustRoot trust, Path dir, String serverData) {
            return FabricConfigs.auth(trust, dir.resolve("operator.jwt").toString(), serverData + "/jwt");
        }

        private void write(String name, String text) throws java.io.IOException {
            Path file = out.resolve(name);
            Files.writeString(file, text);
            System.out.println("wrote " + file);
        }
    }
}
