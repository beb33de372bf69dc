package io.cascade.topology.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.launch.NatsServerBinary;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Secret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every nats.conf in the rendered manifests, read back from the YAML a user applies, passes the real
 * nats-server's own config check ({@code nats-server -t}), the same binary version as the image.
 */
class RenderedManifestsIT {

    @TempDir
    Path dir;

    @Test
    void everyNatsConfInTheYamlIsAcceptedByNatsServer() throws Exception {
        List<ConfigMap> natsConfigs = RenderedManifests.demo().all(ConfigMap.class).stream()
                .filter(cm -> cm.getData().containsKey("nats.conf"))
                .toList();
        assertThat(natsConfigs).extracting(cm -> cm.getMetadata().getName())
                .containsExactly("demo-hub-nats", "demo-relay-eu-nats", "demo-relay-us-nats");

        RenderedManifests demo = RenderedManifests.demo();
        for (ConfigMap cm : natsConfigs) {
            // the pod mounts the tier's Secret at /etc/cascade-trust; here a directory stands in for the mount
            String workload = cm.getMetadata().getName().replaceFirst("-nats$", "");
            Path mount = Files.createDirectories(dir.resolve(workload + "-trust"));
            for (var file : demo.get(Secret.class, KubernetesManifests.trustSecretName(workload)).getStringData().entrySet()) {
                Files.writeString(mount.resolve(file.getKey()), file.getValue());
            }
            String conf = cm.getData().get("nats.conf").replace(KubernetesManifests.TRUST_DIR + "/", mount + "/");
            Check check = check(conf, cm.getMetadata().getName());
            assertThat(check.exitCode).as(cm.getMetadata().getName() + ": " + check.output).isZero();
            assertThat(check.output).contains("is valid");
        }
    }

    @Test
    void everyPodsNatsConfOfTheHaYamlIsAcceptedByNatsServer() throws Exception {
        RenderedManifests ha = RenderedManifests.demoHa();
        int checked = 0;
        for (String workload : List.of("demo-hub", "demo-relay-eu", "demo-relay-us")) {
            Path mount = Files.createDirectories(dir.resolve("ha-" + workload + "-trust"));
            for (var file : ha.get(Secret.class, KubernetesManifests.trustSecretName(workload)).getStringData().entrySet()) {
                Files.writeString(mount.resolve(file.getKey()), file.getValue());
            }
            for (var pod : ha.get(Secret.class, workload + "-nats").getStringData().entrySet()) {
                String conf = pod.getValue().replace(KubernetesManifests.TRUST_DIR + "/", mount + "/");
                Check check = check(conf, pod.getKey());
                assertThat(check.exitCode).as(pod.getKey() + ": " + check.output).isZero();
                assertThat(check.output).contains("is valid");
                checked++;
            }
        }
        assertThat(checked).isEqualTo(9);
    }

    @Test
    void aCorruptedCopyFailsTheCheck() throws Exception {
        String conf = RenderedManifests.demo().natsConf("demo-hub");
        Check check = check(conf.replace("advertise:", "advertize:"), "corrupted");
        assertThat(check.exitCode).as(check.output).isNotZero();
        assertThat(check.output).contains("unknown field \"advertize\"");
    }

    record Check(int exitCode, String output) {}

    private Check check(String config, String name) throws IOException, InterruptedException {
        Path file = dir.resolve(name + ".conf");
        Files.writeString(file, config);
        Process p = new ProcessBuilder(NatsServerBinary.locate().toString(), "-t", "-c", file.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Check(p.waitFor(), out);
    }
}
