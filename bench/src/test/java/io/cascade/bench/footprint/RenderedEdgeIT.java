package io.cascade.bench.footprint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.bench.fleet.BenchFleet;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.k8s.EdgeManifests;
import io.cascade.topology.k8s.ManifestOptions;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's rendered edge ({@code cascade topology render}, edges/<site>.yaml) run as its container would run it: the
 * Deployment's command and arguments verbatim, with the image's checkout, the journal's volume and the Secret's mount
 * as directories here, against a bench fleet's relay (auth and TLS on) and fabric8's mock API server for its
 * {@code k8s} provider. It reports to its relay with the Secret's credentials, and its class-data archive is written
 * onto the volume at its exit.
 */
class RenderedEdgeIT {

    @TempDir
    Path dir;

    @Test
    void aSitesRenderedEdgeRunsAsItsContainerWouldAndReportsToItsRelay() throws Exception {
        try (BenchFleet fleet = BenchFleet.start(2, dir.resolve("fleet")); KubeMock kube = KubeMock.start(dir.resolve("k8s"))) {
            Fleet spec = fleet.fleetSpec();
            RegionSpec eu = spec.requireRegion("eu");
            SiteSpec site = eu.sites().get(0);
            List<HasMetadata> objects = EdgeManifests.build(spec, eu, site, ManifestOptions.defaults("name: bench\n"),
                    fleet.fabric().trust(), fleet.fabric().relayUrls("eu"));
            Container container = objects.stream().filter(Deployment.class::isInstance).map(Deployment.class::cast).findFirst()
                    .orElseThrow().getSpec().getTemplate().getSpec().getContainers().get(0);
            Secret secret = objects.stream().filter(Secret.class::isInstance).map(Secret.class::cast).findFirst().orElseThrow();

            // the pod's file system here: the image's checkout is this one; the volume and the Secret's mount are dirs
            Path data = Files.createDirectories(dir.resolve("data"));
            Path mount = Files.createDirectories(dir.resolve("trust"));
            for (Map.Entry<String, String> file : secret.getStringData().entrySet()) {
                Files.writeString(mount.resolve(file.getKey()), file.getValue());
            }
            Path home = JvmOptionsFile.home();
            List<String> command = new ArrayList<>();
            for (String part : container.getCommand()) {
                command.add(part.equals("java") ? ProcessHandle.current().info().command().orElseThrow() : inPod(part, home, data, mount));
            }
            for (String arg : container.getArgs()) {
                command.add(inPod(arg, home, data, mount));
            }
            Path log = dir.resolve("edge.log");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("KUBECONFIG", kube.kubeconfig().toString());
            Process edge = pb.start();
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                        .failFast(() -> assertThat(edge.isAlive()).as("the edge exited: %s", Files.readString(log)).isTrue())
                        .until(() -> fleet.relay("eu").sites().latest(site.name()).isPresent());
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("no status from " + site.name() + " in 60 s: " + Files.readString(log), e);
            } finally {
                edge.destroy();
                assertThat(edge.waitFor(30, TimeUnit.SECONDS)).isTrue();
            }
            assertThat(Files.readString(log)).doesNotContain("[error]");
            assertThat(data.resolve("journal")).isDirectory();
            // written by the first start at its exit, on the volume: the next pod maps it
            assertThat(data.resolve("cascade-edge.jsa")).isRegularFile();
        }
    }

    /** A path of the container as this test's directories hold it. */
    private static String inPod(String part, Path home, Path data, Path mount) {
        return part.replace(EdgeManifests.HOME + "/", home + "/").replace("/data/", data + "/")
                .replace("/etc/cascade-trust/", mount + "/");
    }
}
