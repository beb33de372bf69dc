package io.cascade.topology.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.Ports;
import io.cascade.topology.natsconf.FabricConfigs;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.LinkedHashMap;
import io.cascade.topology.testing.TestTrust;
import io.cascade.topology.trust.UserCredentials;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class KubernetesManifestsTest {

    static final List<String> REGIONS = List.of("eu", "us");

    final Fleet fleet = Fleets.demo();
    final String fleetText = RenderedManifests.demoFleetText();
    final RenderedManifests demo = RenderedManifests.demo();

    @Test
    void demoFleetGivesOneHubAndOneRelayPerRegionInNamespaceCascade() {
        assertThat(demo.yaml()).startsWith("---\n");
        assertThat(names(demo.all(StatefulSet.class))).containsExactly("demo-hub", "demo-relay-eu", "demo-relay-us");
        assertThat(names(demo.all(Service.class))).containsExactly("demo-hub", "demo-relay-eu", "demo-relay-us");
        assertThat(names(demo.all(ConfigMap.class)))
                .containsExactly("demo-fleet", "demo-hub-nats", "demo-relay-eu-nats", "demo-relay-us-nats");
        assertThat(names(demo.all(Secret.class))).containsExactly("demo-hub-trust", "demo-relay-eu-trust", "demo-relay-us-trust");
        assertThat(demo.objects()).hasSize(13)
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("cascade"));
    }

    @Test
    void eachTierSecretHoldsItsOwnCredentialsAndNoPrivateKeyOfTheTrustRoot() throws Exception {
        Secret hub = demo.get(Secret.class, "demo-hub-trust");
        assertThat(hub.getStringData()).containsOnlyKeys("operator.jwt", "service.creds", "grpc.crt", "grpc.key", "ca.crt", "api.pub");
        var grpc = (java.security.cert.X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(hub.getStringData().get("grpc.crt").getBytes()));
        assertThat(grpc.getSubjectAlternativeNames().stream().map(n -> String.valueOf(n.get(1))).toList())
                .contains("demo-hub.cascade.svc", "demo-hub", "localhost");
        assertThat(grpc.getIssuerX500Principal().getName()).isEqualTo("CN=Cascade fleet CA");
        assertThat(hub.getStringData().get("service.creds")).contains("-----BEGIN USER NKEY SEED-----");
        for (String r : REGIONS) {
            Secret relay = demo.get(Secret.class, "demo-relay-" + r + "-trust");
            assertThat(relay.getStringData()).containsOnlyKeys("operator.jwt", "service.creds", "leaf.creds", "sysleaf.creds", "leaf-tls.crt",
                    "leaf-tls.key", "ca.crt");
            assertThat(UserCredentials.parse(relay.getStringData().get("service.creds"), "secret").name()).isEqualTo("relay-" + r);
            // the service checks its server's certificate against the fleet CA its creds carry
            assertThat(UserCredentials.parse(relay.getStringData().get("service.creds"), "secret").caPem())
                    .isEqualTo(relay.getStringData().get("ca.crt").trim());
            assertThat(UserCredentials.parse(relay.getStringData().get("leaf.creds"), "secret").name()).isEqualTo("leaf-" + r);
            assertThat(UserCredentials.parse(relay.getStringData().get("sysleaf.creds"), "secret").name()).isEqualTo("sysleaf-" + r);
        }
        // only user seeds (SU...) ship; the operator's and the account's seeds (SO..., SA...) never leave the trust dir
        assertThat(demo.yaml()).doesNotContainPattern("\\bS[OA][A-Z2-7]{50,}");
    }

    @Test
    void fleetFileShipsVerbatim() {
        assertThat(demo.get(ConfigMap.class, "demo-fleet").getData()).containsExactly(entry("fleet.yaml", fleetText));
    }

    @Test
    void fleetTextSurvivesTheYamlRoundTripByteForByte() {
        // leading blanks, tabs and trailing spaces make the YAML writer fall back from a literal block
        // to a quoted string; what the services read must still be exactly what was given
        String awkward = "  \n" + fleetText.replace("# Ports", "#\tPorts  ") + "# --- \"quoted\" ünïcode";
        RenderedManifests m = RenderedManifests.of(fleet, ManifestOptions.defaults(awkward));

        assertThat(m.get(ConfigMap.class, "demo-fleet").getData().get("fleet.yaml")).isEqualTo(awkward);
    }

    @Test
    void hubConfigIsFabricConfigsRenderingWithTheServiceAsLeafAdvertise() {
        String expected = FabricConfigs.hub(fleet, new Ports(4222, 7422, 8222, 7443), "0.0.0.0", "/data/jetstream",
                "demo-hub.cascade.svc:7422", FabricConfigs.auth(TestTrust.shared(), "/etc/cascade-trust/operator.jwt", "/data/jwt"),
                new NatsServerConfig.Tls("/etc/cascade-trust/grpc.crt", "/etc/cascade-trust/grpc.key", "/etc/cascade-trust/ca.crt"))
                .render();

        assertThat(demo.natsConf("demo-hub"))
                .isEqualTo(expected)
                .contains("advertise: \"demo-hub.cascade.svc:7422\"")
                .contains("domain: \"core\"")
                .contains("store_dir: \"/data/jetstream\"");
    }

    @Test
    void eachRelayConfigHasItsDomainAndALeafRemoteToTheHubService() {
        for (String r : REGIONS) {
            String expected = FabricConfigs.relay(fleet, fleet.requireRegion(r), new Ports(4222, 7422, 8222, 9090),
                    "0.0.0.0", "/data/jetstream", List.of(FabricConfigs.leafUrl("demo-hub.cascade.svc", 7422)),
                    FabricConfigs.auth(TestTrust.shared(), "/etc/cascade-trust/operator.jwt", "/data/jwt"),
                    "/etc/cascade-trust/leaf.creds", "/etc/cascade-trust/sysleaf.creds", new NatsServerConfig.Tls(
                            "/etc/cascade-trust/leaf-tls.crt", "/etc/cascade-trust/leaf-tls.key", "/etc/cascade-trust/ca.crt"))
                    .render();

            assertThat(demo.natsConf("demo-relay-" + r))
                    .isEqualTo(expected)
                    .contains("domain: \"region-" + r + "\"")
                    .contains("urls: [\"nats-leaf://demo-hub.cascade.svc:7422\"]");
        }
    }

    @Test
    void hubPodRunsNatsServerBesideTheHubService() {
        StatefulSet hub = demo.get(StatefulSet.class, "demo-hub");
        assertThat(hub.getSpec().getReplicas()).isEqualTo(1);
        assertThat(hub.getSpec().getServiceName()).isEqualTo("demo-hub");
        assertNatsServer(hub, "demo-hub-nats");

        Container service = container(hub, "hub");
        assertThat(service.getImage()).isEqualTo("ghcr.io/cascade/cascade:0.1.0");
        assertThat(service.getArgs()).containsExactly("hub", "--nats", "nats://127.0.0.1:4222", "--grpc-port", "7443",
                "--fleet", "/etc/cascade/fleet.yaml", "--creds", "/etc/cascade-trust/service.creds",
                "--tls-cert", "/etc/cascade-trust/grpc.crt", "--tls-key", "/etc/cascade-trust/grpc.key",
                "--client-ca", "/etc/cascade-trust/ca.crt", "--api-key", "/etc/cascade-trust/api.pub");
        assertThat(ports(service)).containsExactly(entry("grpc", 7443));
        assertThat(service.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(7443);
        assertFleetMounted(hub, service);
    }

    @Test
    void eachRelayPodRunsNatsServerBesideTheRelayService() {
        for (String r : REGIONS) {
            StatefulSet relay = demo.get(StatefulSet.class, "demo-relay-" + r);
            assertThat(relay.getSpec().getReplicas()).isEqualTo(1);
            assertThat(relay.getSpec().getServiceName()).isEqualTo("demo-relay-" + r);
            assertNatsServer(relay, "demo-relay-" + r + "-nats");

            Container service = container(relay, "relay");
            assertThat(service.getImage()).isEqualTo("ghcr.io/cascade/cascade:0.1.0");
            // the relay's client port speaks TLS only; its certificate names localhost
            assertThat(service.getArgs()).containsExactly("relay", "--region", r, "--nats", "tls://localhost:4222",
                    "--fleet", "/etc/cascade/fleet.yaml", "--creds", "/etc/cascade-trust/service.creds");
            assertThat(ports(service)).containsExactly(entry("metrics", 9090));
            assertFleetMounted(relay, service);
        }
    }

    @Test
    void servicesExposeNamedPortsThatThePodsDeclare() {
        assertThat(servicePorts(demo.get(Service.class, "demo-hub")))
                .containsExactly(entry("client", 4222), entry("leaf", 7422), entry("grpc", 7443));
        for (String r : REGIONS) {
            assertThat(servicePorts(demo.get(Service.class, "demo-relay-" + r)))
                    .containsExactly(entry("client", 4222), entry("leaf", 7422));
        }
        for (Service svc : demo.all(Service.class)) {
            StatefulSet sts = demo.get(StatefulSet.class, svc.getMetadata().getName());
            Map<String, Integer> podPorts = sts.getSpec().getTemplate().getSpec().getContainers().stream()
                    .flatMap(c -> c.getPorts().stream())
                    .collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort));
            for (ServicePort p : svc.getSpec().getPorts()) {
                assertThat(podPorts).as(svc.getMetadata().getName() + " port " + p.getName())
                        .containsEntry(p.getTargetPort().getStrVal(), p.getPort());
            }
        }
    }

    @Test
    void everyObjectIsLabelledAndRelayObjectsNameTheirRegion() {
        for (HasMetadata o : demo.objects()) {
            assertThat(o.getMetadata().getLabels()).as(o.getKind() + " " + o.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/name", "cascade")
                    .containsEntry("app.kubernetes.io/part-of", "cascade")
                    .containsEntry("cascade.io/fleet", "demo")
                    .containsKey("app.kubernetes.io/component");
        }
        assertThat(demo.get(StatefulSet.class, "demo-hub").getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/component", "hub")
                .doesNotContainKey("cascade.io/region");
        for (String r : REGIONS) {
            for (HasMetadata o : List.of(demo.get(StatefulSet.class, "demo-relay-" + r),
                    demo.get(Service.class, "demo-relay-" + r), demo.get(ConfigMap.class, "demo-relay-" + r + "-nats"))) {
                assertThat(o.getMetadata().getLabels())
                        .containsEntry("app.kubernetes.io/component", "relay")
                        .containsEntry("cascade.io/region", r);
            }
        }
    }

    @Test
    void eachSelectorPicksExactlyItsOwnPods() {
        List<StatefulSet> workloads = demo.all(StatefulSet.class);
        for (StatefulSet sts : workloads) {
            assertThat(sts.getSpec().getTemplate().getMetadata().getLabels())
                    .containsAllEntriesOf(sts.getSpec().getSelector().getMatchLabels());
        }
        for (Service svc : demo.all(Service.class)) {
            List<String> selected = workloads.stream()
                    .filter(sts -> sts.getSpec().getTemplate().getMetadata().getLabels().entrySet()
                            .containsAll(svc.getSpec().getSelector().entrySet()))
                    .map(sts -> sts.getMetadata().getName())
                    .toList();
            assertThat(selected).as("pods selected by Service " + svc.getMetadata().getName())
                    .containsExactly(svc.getMetadata().getName());
        }
    }

    @Test
    void configHashRollsThePodsWhenTheFleetFileChanges() {
        String changedText = fleetText + "# an operator's note\n";
        RenderedManifests changed = RenderedManifests.of(fleet, ManifestOptions.defaults(changedText));
        RenderedManifests again = RenderedManifests.demo();

        for (String name : List.of("demo-hub", "demo-relay-eu", "demo-relay-us")) {
            String hash = configHash(demo, name);
            assertThat(hash).matches("[0-9a-f]{64}")
                    .isEqualTo(KubernetesManifests.configHash(demo.natsConf(name), fleetText))
                    .isEqualTo(configHash(again, name))
                    .isNotEqualTo(configHash(changed, name));
        }
        assertThat(configHash(demo, "demo-relay-eu")).isNotEqualTo(configHash(demo, "demo-relay-us"));
    }

    @Test
    void optionsReachTheManifests() {
        ManifestOptions options = ManifestOptions.defaults(fleetText).withNamespace("edge-fabric")
                .withCascadeImage("registry.local/cascade:dev").withNatsImage("nats:2.9.10")
                .withJetStreamVolumeSize("512Mi");
        RenderedManifests custom = RenderedManifests.of(fleet, options);

        assertThat(custom.objects()).allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("edge-fabric"));
        assertThat(custom.natsConf("demo-hub")).contains("advertise: \"demo-hub.edge-fabric.svc:7422\"");
        assertThat(custom.natsConf("demo-relay-eu")).contains("nats-leaf://demo-hub.edge-fabric.svc:7422");
        StatefulSet relay = custom.get(StatefulSet.class, "demo-relay-us");
        assertThat(container(relay, "relay").getImage()).isEqualTo("registry.local/cascade:dev");
        assertThat(container(relay, "nats").getImage()).isEqualTo("nats:2.9.10");
        assertThat(relay.getSpec().getVolumeClaimTemplates().getFirst().getSpec().getResources().getRequests()
                .get("storage").toString()).isEqualTo("512Mi");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        ManifestOptions o = ManifestOptions.defaults(fleetText);
        assertThat(o.namespace()).isEqualTo("cascade");
        assertThat(o.cascadeImage()).isEqualTo("ghcr.io/cascade/cascade:0.1.0");
        assertThat(o.natsImage()).isEqualTo("nats:2.9.10-alpine");
        assertThat(o.jetStreamVolumeSize()).isEqualTo("10Gi");
    }

    @Test
    void badOptionsAreRefusedNamingTheOption() {
        ManifestOptions ok = ManifestOptions.defaults(fleetText);
        assertThatThrownBy(() -> ok.withNamespace("Bad_NS"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("namespace: \"Bad_NS\" is not a DNS label");
        assertThatThrownBy(() -> ok.withCascadeImage(""))
                .hasMessageContaining("cascadeImage: must not be empty");
        assertThatThrownBy(() -> ok.withNatsImage("nats 2.9"))
                .hasMessageContaining("natsImage: \"nats 2.9\" is not an image reference");
        assertThatThrownBy(() -> ok.withJetStreamVolumeSize("10 GB"))
                .hasMessageContaining("jetStreamVolumeSize: \"10 GB\" is not a storage size");
        assertThatThrownBy(() -> ok.withJetStreamVolumeSize("0Gi"))
                .hasMessageContaining("jetStreamVolumeSize: \"0Gi\"");
        assertThatThrownBy(() -> ManifestOptions.defaults(" "))
                .hasMessageContaining("fleetText: is required");
        assertThatThrownBy(() -> new ManifestOptions("Bad_NS", "", null, null, fleetText))
                .hasMessageContaining("namespace:").hasMessageContaining("cascadeImage:");
    }

    @Test
    void aFleetTextOfAnotherFleetIsRefused() {
        String other = fleetText.replace("name: demo", "name: prod");
        assertThatThrownBy(() -> KubernetesManifests.build(fleet, ManifestOptions.defaults(other), TestTrust.shared()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fleetText describes fleet \"prod\"")
                .hasMessageContaining("built for fleet \"demo\"");
    }

    @Test
    void namesTooLongForAStatefulSetAreRefused() {
        String longRegion = "r".repeat(45);
        String text = "name: demo\nregions:\n  - name: " + longRegion + "\n";
        Fleet longFleet = FleetFile.parse(text, "test");
        assertThatThrownBy(() -> KubernetesManifests.build(longFleet, ManifestOptions.defaults(text), TestTrust.shared()))
                .hasMessageContaining("demo-relay-" + longRegion)
                .hasMessageContaining("at most 52");
    }

    // ---- what every tier's pod must look like --------------------------------------------------

    private static void assertNatsServer(StatefulSet sts, String configMap) {
        Container nats = container(sts, "nats");
        assertThat(nats.getImage()).isEqualTo("nats:2.9.10-alpine");
        assertThat(nats.getArgs()).containsExactly("-c", "/etc/nats/nats.conf");
        assertThat(ports(nats)).containsExactly(entry("client", 4222), entry("leaf", 7422), entry("monitor", 8222));
        for (Probe probe : List.of(nats.getReadinessProbe(), nats.getLivenessProbe())) {
            assertThat(probe.getHttpGet().getPath()).isEqualTo("/healthz");
            assertThat(probe.getHttpGet().getPort().getIntVal()).isEqualTo(8222);
        }
        assertThat(mounts(nats)).containsExactly(entry("nats-config", "/etc/nats"), entry("data", "/data"),
                entry("trust", "/etc/cascade-trust"));
        assertThat(volume(sts, "nats-config").getConfigMap().getName()).isEqualTo(configMap);

        PersistentVolumeClaim data = sts.getSpec().getVolumeClaimTemplates().getFirst();
        assertThat(sts.getSpec().getVolumeClaimTemplates()).hasSize(1);
        assertThat(data.getMetadata().getName()).isEqualTo("data");
        assertThat(data.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(data.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("10Gi");
    }

    private static void assertFleetMounted(StatefulSet sts, Container service) {
        assertThat(mounts(service)).containsExactly(entry("fleet", "/etc/cascade"), entry("trust", "/etc/cascade-trust"));
        assertThat(volume(sts, "trust").getSecret().getSecretName()).isEqualTo(sts.getMetadata().getName() + "-trust");
        assertThat(volume(sts, "trust").getSecret().getDefaultMode()).isEqualTo(0400);
        assertThat(volume(sts, "fleet").getConfigMap().getName()).isEqualTo("demo-fleet");
        assertThat(sts.getSpec().getTemplate().getSpec().getContainers()).extracting(Container::getName)
                .containsExactly("nats", service.getName());
    }

    private static Container container(StatefulSet sts, String name) {
        return sts.getSpec().getTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(sts.getMetadata().getName() + " has no container " + name));
    }

    private static Volume volume(StatefulSet sts, String name) {
        return sts.getSpec().getTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(sts.getMetadata().getName() + " has no volume " + name));
    }

    private static Map<String, Integer> ports(Container c) {
        return c.getPorts().stream().collect(Collectors.toMap(ContainerPort::getName, ContainerPort::getContainerPort,
                (a, b) -> a, LinkedHashMap::new));
    }

    private static Map<String, String> mounts(Container c) {
        return c.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getName, VolumeMount::getMountPath,
                (a, b) -> a, LinkedHashMap::new));
    }

    private static Map<String, Integer> servicePorts(Service svc) {
        return svc.getSpec().getPorts().stream().collect(Collectors.toMap(ServicePort::getName, ServicePort::getPort,
                (a, b) -> a, LinkedHashMap::new));
    }

    private static String configHash(RenderedManifests m, String workload) {
        return m.get(StatefulSet.class, workload).getSpec().getTemplate().getMetadata().getAnnotations()
                .get("cascade.io/config-hash");
    }

    private static List<String> names(List<? extends HasMetadata> objects) {
        return objects.stream().map(o -> o.getMetadata().getName()).toList();
    }
}
