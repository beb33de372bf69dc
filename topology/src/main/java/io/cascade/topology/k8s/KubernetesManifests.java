package io.cascade.topology.k8s;

import static io.cascade.topology.k8s.K8sObjects.healthz;
import static io.cascade.topology.k8s.K8sObjects.metadata;
import static io.cascade.topology.k8s.K8sObjects.service;
import static io.cascade.topology.k8s.K8sObjects.servicePort;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.fleet.Ports;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.natsconf.FabricConfigs;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import io.cascade.topology.trust.UserCredentials;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The Kubernetes objects of a fleet's hub and relay tiers, ready for {@code kubectl apply -f}.
 *
 * <p>Each tier is a one-replica StatefulSet whose pod runs the tier's nats-server (config from a
 * ConfigMap rendered by {@link FabricConfigs}, JetStream on a persistent volume) beside the tier's
 * service, which reaches it on {@code 127.0.0.1}. A Service of the same name carries the tier's DNS
 * name: relays dial the hub's leaf port as {@code <fleet>-hub.<namespace>.svc:7422}, edges dial their
 * relay's client port. Object names equal the nats-server names ({@code <fleet>-hub},
 * {@code <fleet>-relay-<region>}). The namespace itself is not created.
 */
public final class KubernetesManifests {

    /** Hub: client, leaf (relays connect), monitor, gRPC FleetService. */
    static final Ports HUB_PORTS = new Ports(4222, 7422, 8222, 7443);
    /** Relay: client (edges connect), leaf (edge leaf servers connect), monitor, metrics. */
    static final Ports RELAY_PORTS = new Ports(4222, 7422, 8222, 9090);

    static final String LABEL_NAME = "app.kubernetes.io/name";
    static final String LABEL_PART_OF = "app.kubernetes.io/part-of";
    static final String LABEL_COMPONENT = "app.kubernetes.io/component";
    static final String LABEL_FLEET = "cascade.io/fleet";
    static final String LABEL_REGION = "cascade.io/region";
    /** Pod-template annotation: changes with the rendered nats.conf or the fleet file, so pods roll. */
    static final String CONFIG_HASH = "cascade.io/config-hash";

    static final String NATS_CONF_KEY = "nats.conf";
    static final String FLEET_KEY = "fleet.yaml";
    static final String FLEET_DIR = "/etc/cascade";
    static final String FLEET_PATH = FLEET_DIR + "/" + FLEET_KEY;
    static final String NATS_CONF_DIR = "/etc/nats";
    static final String DATA_DIR = "/data";
    static final String STORE_DIR = DATA_DIR + "/jetstream";
    static final String DATA_VOLUME = "data";
    static final String NATS_CONF_VOLUME = "nats-config";
    private static final String FLEET_VOLUME = "fleet";
    private static final String LISTEN_ALL = "0.0.0.0";
    static final String TRUST_DIR = "/etc/cascade-trust";
    private static final String TRUST_VOLUME = "trust";
    static final String OPERATOR_JWT_KEY = "operator.jwt";
    static final String SERVICE_CREDS_KEY = "service.creds";
    static final String LEAF_CREDS_KEY = "leaf.creds";
    static final String SYSTEM_LEAF_CREDS_KEY = "sysleaf.creds";
    static final String GRPC_CERT_KEY = "grpc.crt";
    static final String GRPC_KEY_KEY = "grpc.key";
    static final String CA_KEY = "ca.crt";
    static final String API_KEY_KEY = "api.pub";
    static final String LEAF_TLS_CERT_KEY = "leaf-tls.crt";
    static final String LEAF_TLS_KEY_KEY = "leaf-tls.key";
    static final String SERVICE_CREDS = TRUST_DIR + "/" + SERVICE_CREDS_KEY;

    /**
     * StatefulSet pods carry the label {@code controller-revision-hash=<name>-<10-char hash>}, which
     * must fit in 63 characters, so longer StatefulSet names never get pods.
     */
    static final int MAX_WORKLOAD_NAME = 52;

    private KubernetesManifests() {}

    /**
     * The fleet ConfigMap, then per tier (hub first, then each region in fleet order) its nats
     * ConfigMap, StatefulSet and Service.
     *
     * @throws IllegalArgumentException when the fleet text in {@code options} describes another fleet
     *         (name or regions differ), or when a name would not be a valid Kubernetes name
     */
    public static List<HasMetadata> build(Fleet fleet, ManifestOptions options, TrustRoot trust) {
        return build(fleet, options, trust, 1);
    }

    /**
     * As {@link #build(Fleet, ManifestOptions, TrustRoot)}; with {@code nodes} = {@value PodCluster#NODES} every tier is
     * a cluster of that many pods ({@link PodCluster}: per-pod nats-server configs with routes, a headless Service,
     * a PodDisruptionBudget), each pod with its tier's service, the buckets in 3 copies.
     */
    public static List<HasMetadata> build(Fleet fleet, ManifestOptions options, TrustRoot trust, int nodes) {
        if (nodes != 1 && nodes != PodCluster.NODES) {
            throw new IllegalArgumentException("a tier runs 1 pod or a cluster of " + PodCluster.NODES + ", got " + nodes);
        }
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(trust, "trust");
        requireSameFleet(fleet, options.fleetText());

        List<HasMetadata> objects = new ArrayList<>();
        objects.add(fleetConfigMap(fleet, options));
        objects.addAll(hub(fleet, options, trust, nodes));
        for (RegionSpec region : fleet.regions()) {
            objects.addAll(relay(fleet, region, options, trust, nodes));
        }
        return List.copyOf(objects);
    }

    /** Multi-document YAML: every object starts with {@code ---}. */
    public static String toYaml(List<HasMetadata> objects) {
        Objects.requireNonNull(objects, "objects");
        StringBuilder yaml = new StringBuilder();
        for (HasMetadata object : objects) {
            String doc = Serialization.asYaml(object);
            // fabric8 7.x starts each document with "---"; do not rely on it
            yaml.append(doc.startsWith("---\n") ? doc : "---\n" + doc);
            if (!doc.endsWith("\n")) {
                yaml.append('\n');
            }
        }
        return yaml.toString();
    }

    // ---- the tiers -----------------------------------------------------------------------------

    private static List<HasMetadata> hub(Fleet fleet, ManifestOptions o, TrustRoot trust, int nodes) {
        String name = FabricConfigs.hubServerName(fleet);
        requireWorkloadName(name, "the hub of fleet \"" + fleet.name() + "\"");
        Map<String, String> labels = labels(fleet, "hub", null);
        // the hub's certificate serves its gRPC API, its leaf listener (relays dial the Service name or, in a cluster,
        // each pod's name) and its routes
        NatsServerConfig.Tls tls = TrustSecrets.mountedTls(GRPC_CERT_KEY, GRPC_KEY_KEY);
        NatsServerConfig.Auth auth = TrustSecrets.mountedAuth(trust);
        PodCluster cluster = new PodCluster(name, nodes, o);
        List<String> confs = new ArrayList<>();
        if (nodes == 1) {
            confs.add(FabricConfigs.hub(fleet, HUB_PORTS, LISTEN_ALL, STORE_DIR, serviceHost(name, o) + ":" + HUB_PORTS.leaf(),
                    auth, tls).render());
        } else {
            for (int i = 0; i < nodes; i++) {
                confs.add(FabricConfigs.hubNode(fleet, i, HUB_PORTS, PodCluster.ROUTE_PORT, cluster.routes(), LISTEN_ALL, STORE_DIR,
                        cluster.podHost(i) + ":" + HUB_PORTS.leaf(), Optional.of(auth), Optional.of(tls), cluster.password()).render());
            }
        }
        String localNats = "nats://127.0.0.1:" + HUB_PORTS.client();

        List<String> args = new ArrayList<>(List.of("hub", "--nats", localNats, "--grpc-port", String.valueOf(HUB_PORTS.service()),
                "--fleet", FLEET_PATH, "--creds", SERVICE_CREDS,
                "--tls-cert", TRUST_DIR + "/" + GRPC_CERT_KEY, "--tls-key", TRUST_DIR + "/" + GRPC_KEY_KEY,
                "--client-ca", TRUST_DIR + "/" + CA_KEY, "--api-key", TRUST_DIR + "/" + API_KEY_KEY));
        if (nodes > 1) {
            args.addAll(List.of("--replicas", String.valueOf(nodes)));
        }
        Container hub = new ContainerBuilder()
                .withName("hub")
                .withImage(o.cascadeImage())
                .withArgs(args)
                .addNewPort().withName("grpc").withContainerPort(HUB_PORTS.service()).withProtocol("TCP").endPort()
                // the kubelet's gRPC probe speaks no TLS, and the API is served over TLS only: ready once it listens
                .withNewReadinessProbe()
                    .withNewTcpSocket().withNewPort(HUB_PORTS.service()).endTcpSocket()
                    .withPeriodSeconds(5)
                .endReadinessProbe()
                .build();

        List<String> certNames = new ArrayList<>(List.of(serviceHost(name, o), name, "localhost"));
        certNames.addAll(cluster.podHosts());
        List<HasMetadata> objects = new ArrayList<>(List.of(
                cluster.natsConfig(labels, confs),
                TrustSecrets.withApiKey(TrustSecrets.withCertificate(trustSecret(name, labels, o, trust, Map.of(SERVICE_CREDS_KEY,
                        trust.issue(new Identity.HubService()))), trust, certNames, GRPC_CERT_KEY, GRPC_KEY_KEY), trust),
                statefulSet(fleet, name, labels, confs, HUB_PORTS, hub, o, cluster),
                service(name, labels, o,
                        servicePort("client", HUB_PORTS.client()),
                        servicePort("leaf", HUB_PORTS.leaf()),
                        servicePort("grpc", HUB_PORTS.service()))));
        objects.addAll(cluster.extras(labels, HUB_PORTS));
        return objects;
    }

    private static List<HasMetadata> relay(Fleet fleet, RegionSpec region, ManifestOptions o, TrustRoot trust, int nodes) {
        String name = FabricConfigs.relayServerName(fleet, region.name());
        requireWorkloadName(name, "the relay of region \"" + region.name() + "\"");
        Map<String, String> labels = labels(fleet, "relay", region.name());
        String hubName = FabricConfigs.hubServerName(fleet);
        PodCluster hubCluster = new PodCluster(hubName, nodes, o);
        List<java.net.URI> hubLeafs = (nodes == 1 ? List.of(serviceHost(hubName, o)) : hubCluster.podHosts()).stream()
                .map(host -> FabricConfigs.leafUrl(host, HUB_PORTS.leaf())).toList();
        NatsServerConfig.Auth auth = TrustSecrets.mountedAuth(trust);
        List<NatsServerConfig.LeafLogin> logins = List.of(
                new NatsServerConfig.LeafLogin(TRUST_DIR + "/" + LEAF_CREDS_KEY, auth.fleetAccount()),
                new NatsServerConfig.LeafLogin(TRUST_DIR + "/" + SYSTEM_LEAF_CREDS_KEY, auth.systemAccount()));
        NatsServerConfig.Tls tls = TrustSecrets.mountedTls(LEAF_TLS_CERT_KEY, LEAF_TLS_KEY_KEY);
        PodCluster cluster = new PodCluster(name, nodes, o);
        List<String> confs = new ArrayList<>();
        NatsServerConfig one = FabricConfigs.relay(fleet, region, RELAY_PORTS, LISTEN_ALL, STORE_DIR, hubLeafs, Optional.of(auth),
                logins, Optional.of(tls));
        if (nodes == 1) {
            confs.add(one.render());
        } else {
            for (int i = 0; i < nodes; i++) {
                confs.add(FabricConfigs.relayNode(fleet, region, i, RELAY_PORTS, PodCluster.ROUTE_PORT, cluster.routes(), LISTEN_ALL,
                        STORE_DIR, hubLeafs, Optional.of(auth), logins, Optional.of(tls), cluster.password()).render());
            }
        }

        List<String> args = new ArrayList<>(List.of("relay", "--region", region.name(), "--nats", localNats(one), "--fleet", FLEET_PATH,
                "--creds", SERVICE_CREDS));
        if (nodes > 1) {
            args.addAll(List.of("--replicas", String.valueOf(nodes)));
        }
        Container relay = new ContainerBuilder()
                .withName("relay")
                .withImage(o.cascadeImage())
                .withArgs(args)
                .addNewPort().withName("metrics").withContainerPort(RELAY_PORTS.service()).withProtocol("TCP").endPort()
                .build();

        List<String> certNames = new ArrayList<>(List.of(serviceHost(name, o), name, "localhost"));
        certNames.addAll(cluster.podHosts());
        List<HasMetadata> objects = new ArrayList<>(List.of(
                cluster.natsConfig(labels, confs),
                TrustSecrets.withCertificate(trustSecret(name, labels, o, trust, Map.of(
                        SERVICE_CREDS_KEY, trust.issueClient(new Identity.RelayService(region.name())),
                        LEAF_CREDS_KEY, trust.issue(new Identity.RelayLeaf(region.name())),
                        SYSTEM_LEAF_CREDS_KEY, trust.issue(new Identity.RelaySystemLeaf(region.name())))), trust, certNames,
                        LEAF_TLS_CERT_KEY, LEAF_TLS_KEY_KEY),
                statefulSet(fleet, name, labels, confs, RELAY_PORTS, relay, o, cluster),
                service(name, labels, o,
                        servicePort("client", RELAY_PORTS.client()),
                        servicePort("leaf", RELAY_PORTS.leaf()))));
        objects.addAll(cluster.extras(labels, RELAY_PORTS));
        return objects;
    }

    // ---- what every tier shares --------------------------------------------------------------

    /**
     * A tier's StatefulSet: its nats-server container (config from {@code <name>-nats}, JetStream on
     * the {@code data} claim) beside {@code service}, which gets the fleet file mounted.
     */
    private static StatefulSet statefulSet(Fleet fleet, String name, Map<String, String> labels, List<String> natsConfs,
                                           Ports ports, Container service, ManifestOptions o, PodCluster cluster) {
        Container nats = cluster.natsContainer(new ContainerBuilder()
                .withName("nats")
                .withImage(o.natsImage())
                .addNewPort().withName("client").withContainerPort(ports.client()).withProtocol("TCP").endPort()
                .addNewPort().withName("leaf").withContainerPort(ports.leaf()).withProtocol("TCP").endPort()
                .addNewPort().withName("monitor").withContainerPort(ports.monitor()).withProtocol("TCP").endPort()
                .withReadinessProbe(healthz(ports, 2, 5)), ports)
                .addNewVolumeMount().withName(NATS_CONF_VOLUME).withMountPath(NATS_CONF_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName(DATA_VOLUME).withMountPath(DATA_DIR).endVolumeMount()
                .addNewVolumeMount().withName(TRUST_VOLUME).withMountPath(TRUST_DIR).withReadOnly(true).endVolumeMount()
                .build();
        Container withFleet = new ContainerBuilder(service)
                .addNewVolumeMount().withName(FLEET_VOLUME).withMountPath(FLEET_DIR).withReadOnly(true).endVolumeMount()
                .addNewVolumeMount().withName(TRUST_VOLUME).withMountPath(TRUST_DIR).withReadOnly(true).endVolumeMount()
                .build();

        return new StatefulSetBuilder()
                .withMetadata(metadata(name, labels, o))
                .withNewSpec()
                    .withReplicas(cluster.nodes())
                    .withServiceName(cluster.governingService())
                    // a cluster's pods start together: one alone never becomes ready (no JetStream quorum)
                    .withPodManagementPolicy(cluster.nodes() > 1 ? "Parallel" : null)
                    .withNewSelector().withMatchLabels(labels).endSelector()
                    .withNewTemplate()
                        .withNewMetadata()
                            .withLabels(labels)
                            .addToAnnotations(CONFIG_HASH, configHash(String.join("\n", natsConfs), o.fleetText()))
                        .endMetadata()
                        .withNewSpec()
                            .withContainers(nats, withFleet)
                            .addToVolumes(cluster.natsConfigVolume(NATS_CONF_VOLUME))
                            .addNewVolume().withName(FLEET_VOLUME)
                                .withNewConfigMap().withName(fleetConfigMapName(fleet)).endConfigMap()
                            .endVolume()
                            .addNewVolume().withName(TRUST_VOLUME)
                                .withNewSecret().withSecretName(trustSecretName(name)).withDefaultMode(0400).endSecret()
                            .endVolume()
                        .endSpec()
                    .endTemplate()
                    .addNewVolumeClaimTemplate()
                        .withNewMetadata().withName(DATA_VOLUME).withLabels(labels).endMetadata()
                        .withNewSpec()
                            .withAccessModes("ReadWriteOnce")
                            .withNewResources().addToRequests("storage", new Quantity(o.jetStreamVolumeSize())).endResources()
                        .endSpec()
                    .endVolumeClaimTemplate()
                .endSpec()
                .build();
    }

    static ConfigMap natsConfigMap(String name, Map<String, String> labels, String natsConf, ManifestOptions o) {
        return new ConfigMapBuilder()
                .withMetadata(metadata(natsConfigMapName(name), labels, o))
                .addToData(NATS_CONF_KEY, natsConf)
                .build();
    }

    /**
     * A tier's credentials, mounted read-only at {@value #TRUST_DIR} in both containers: the
     * operator JWT (public), the tier service's NATS user, and for a relay the leaf link's user.
     */
    private static Secret trustSecret(String name, Map<String, String> labels, ManifestOptions o, TrustRoot trust,
                                      Map<String, UserCredentials> creds) {
        SecretBuilder b = new SecretBuilder()
                .withMetadata(metadata(trustSecretName(name), labels, o))
                .withType("Opaque")
                .addToStringData(OPERATOR_JWT_KEY, trust.operatorJwt());
        new java.util.TreeMap<>(creds).forEach((k, c) -> b.addToStringData(k, c.render()));
        return b.build();
    }

    static String trustSecretName(String workload) {
        return workload + "-trust";
    }

    private static ConfigMap fleetConfigMap(Fleet fleet, ManifestOptions o) {
        Map<String, String> labels = labels(fleet, "fleet", null);
        return new ConfigMapBuilder()
                .withMetadata(metadata(fleetConfigMapName(fleet), labels, o))
                .addToData(FLEET_KEY, o.fleetText())
                .build();
    }

    // ---- names, labels, hash -----------------------------------------------------------------

    static Map<String, String> labels(Fleet fleet, String component, String region) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(LABEL_NAME, "cascade");
        labels.put(LABEL_PART_OF, "cascade");
        labels.put(LABEL_COMPONENT, component);
        labels.put(LABEL_FLEET, fleet.name());
        if (region != null) {
            labels.put(LABEL_REGION, region);
        }
        return labels;
    }

    static String natsConfigMapName(String workload) {
        return workload + "-nats";
    }

    static String fleetConfigMapName(Fleet fleet) {
        return fleet.name() + "-fleet";
    }

    /** The in-cluster DNS name of a Service in the options' namespace. */
    static String serviceHost(String service, ManifestOptions o) {
        return service + "." + o.namespace() + ".svc";
    }

    /**
     * How a tier's service reaches its own nats-server in the same pod: a relay's client port speaks
     * TLS only (2.9.10 has one client listener), and its certificate names {@code localhost}.
     */
    private static String localNats(NatsServerConfig config) {
        return (config.clientTls() ? "tls://localhost:" : "nats://127.0.0.1:") + config.clientPort();
    }

    /** SHA-256 (hex) of the rendered nats.conf followed by the fleet text. */
    static String configHash(String natsConf, String fleetText) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(natsConf.getBytes(StandardCharsets.UTF_8));
            sha.update(fleetText.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static void requireWorkloadName(String name, String what) {
        if (name.length() > MAX_WORKLOAD_NAME) {
            throw new IllegalArgumentException("the Kubernetes name \"" + name + "\" of " + what + " has "
                    + name.length() + " characters; StatefulSet names may have at most " + MAX_WORKLOAD_NAME
                    + " (shorten the fleet or region name)");
        }
        if (!Character.isLetter(name.charAt(0))) {
            throw new IllegalArgumentException("the Kubernetes name \"" + name + "\" of " + what
                    + " must start with a letter to name a Service (the fleet name starts with a digit)");
        }
    }

    /** The services read the shipped fleet text; it must be the fleet the configs were rendered from. */
    private static void requireSameFleet(Fleet fleet, String fleetText) {
        Fleet shipped = FleetFile.parse(fleetText, "ManifestOptions.fleetText");
        if (!shipped.name().equals(fleet.name()) || !shipped.regionNames().equals(fleet.regionNames())) {
            throw new IllegalArgumentException("fleetText describes fleet \"" + shipped.name() + "\" with regions "
                    + shipped.regionNames() + ", but the manifests are built for fleet \"" + fleet.name()
                    + "\" with regions " + fleet.regionNames());
        }
    }
}
