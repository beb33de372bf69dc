package io.cascade.cli;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.k8s.KubernetesManifests;
import io.cascade.topology.k8s.ManifestOptions;
import io.cascade.topology.natsconf.FabricConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
            description = "Render a fleet's nats-server configs (hub.conf, relay-<region>.conf, for one host) and "
                    + "its Kubernetes manifests (kubernetes.yaml) into a directory.")
    static final class Render implements Callable<Integer> {

        /** Where ports left at 0 start when rendering configs for one host (deterministic output). */
        static final int FIRST_PORT = 14222;

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

        @Option(names = "--nats-image", defaultValue = ManifestOptions.DEFAULT_NATS_IMAGE, description = "nats-server container image (default: ${DEFAULT-VALUE}).")
        String natsImage;

        @Override
        public Integer call() throws Exception {
            Fleet declared = Fleets.loadOrDemo(fleetFile);
            ManifestOptions options = ManifestOptions.defaults(Fleets.textOrDemo(fleetFile))
                    .withNamespace(namespace).withCascadeImage(image).withNatsImage(natsImage);
            String manifests = KubernetesManifests.toYaml(KubernetesManifests.build(declared, options));
            AtomicInteger next = new AtomicInteger(FIRST_PORT);
            Fleet fleet = declared.resolvePorts(next::getAndIncrement);
            Files.createDirectories(out);
            write("kubernetes.yaml", manifests);
            var hub = fleet.hub();
            write("hub.conf", FabricConfigs.hub(fleet, hub.ports(), hub.host(), dataDir + "/hub",
                    hub.host() + ":" + hub.ports().leaf()).render());
            for (RegionSpec r : fleet.regions()) {
                write("relay-" + r.name() + ".conf", FabricConfigs.relay(fleet, r, r.ports(), r.host(),
                        dataDir + "/relay-" + r.name(), List.of(FabricConfigs.leafUrl(hub.host(), hub.ports().leaf()))).render());
            }
            return 0;
        }

        private void write(String name, String text) throws java.io.IOException {
            Path file = out.resolve(name);
            Files.writeString(file, text);
            System.out.println("wrote " + file);
        }
    }
}
