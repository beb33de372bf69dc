package io.cascade.topology.k8s;

import static io.cascade.topology.k8s.K8sObjects.healthz;
import static io.cascade.topology.k8s.K8sObjects.metadata;

import io.cascade.topology.fleet.Ports;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * How one tier's StatefulSet runs its nats-servers: one pod, or a cluster of {@value #NODES} pods with stable names
 * ({@code <name>-0} to {@code <name>-2}, also their nats-server names). A cluster's pods find each other through a
 * headless Service {@code <name>-cluster} (pod DNS names {@code <pod>.<name>-cluster.<namespace>.svc}; published before
 * the pods are ready, since a node only becomes ready once the cluster has formed); every pod's nats-server reads its
 * own config ({@code -c /etc/nats/$(POD_NAME).conf}: routes to every pod over TLS with the route password, its own
 * leaf advertise), kept in a Secret because the route password is in it. Readiness is nats-server's JetStream health
 * ({@code /healthz}); liveness only asks whether JetStream runs ({@code /healthz?js-enabled-only=true}), so a pod is not
 * restarted while its cluster lacks a quorum. A PodDisruptionBudget lets a drain take one pod at a time.
 */
final class PodCluster {

    /** Pods of a tier run as a cluster: it survives losing one. */
    static final int NODES = 3;
    static final int ROUTE_PORT = 6222;
    static final String POD_NAME_ENV = "POD_NAME";

    private final String name;
    private final int nodes;
    private final ManifestOptions options;
    private final String password;

    PodCluster(String name, int nodes, ManifestOptions options) {
        this.name = name;
        this.nodes = nodes;
        this.options = options;
        this.password = nodes > 1 ? NatsServerConfig.Cluster.randomPassword() : null;
    }

    int nodes() {
        return nodes;
    }

    /** The Service that gives the pods their DNS names: the headless one of a cluster, else the tier's own. */
    String governingService() {
        return nodes > 1 ? name + "-cluster" : name;
    }

    String podName(int ordinal) {
        return name + "-" + ordinal;
    }

    /** The pod's stable DNS name; only for a cluster. */
    String podHost(int ordinal) {
        return podName(ordinal) + "." + governingService() + "." + options.namespace() + ".svc";
    }

    /** Every pod's DNS name (none for a single pod, which is reached through the tier's Service). */
    List<String> podHosts() {
        return nodes > 1 ? IntStream.range(0, nodes).mapToObj(this::podHost).toList() : List.of();
    }

    /** The route URLs every node dials (host:port). */
    List<String> routes() {
        return podHosts().stream().map(h -> h + ":" + ROUTE_PORT).toList();
    }

    String password() {
        return password;
    }

    /** The nats-server config(s): one pod's in a ConfigMap; a cluster's, one per pod, in a Secret (route password). */
    HasMetadata natsConfig(Map<String, String> labels, List<String> confs) {
        if (nodes == 1) {
            return KubernetesManifests.natsConfigMap(name, labels, confs.getFirst(), options);
        }
        SecretBuilder b = new SecretBuilder()
                .withMetadata(metadata(KubernetesManifests.natsConfigMapName(name), labels, options))
                .withType("Opaque");
        for (int i = 0; i < nodes; i++) {
            b.addToStringData(podName(i) + ".conf", confs.get(i));
        }
        return b.build();
    }

    Volume natsConfigVolume(String volumeName) {
        VolumeBuilder v = new VolumeBuilder().withName(volumeName);
        String source = KubernetesManifests.natsConfigMapName(name);
        return nodes == 1 ? v.withNewConfigMap().withName(source).endConfigMap().build()
                : v.withNewSecret().withSecretName(source).withDefaultMode(0400).endSecret().build();
    }

    /** The nats container: which config it reads, its route port, its liveness. */
    ContainerBuilder natsContainer(ContainerBuilder nats, Ports ports) {
        if (nodes == 1) {
            return nats.withArgs("-c", KubernetesManifests.NATS_CONF_DIR + "/" + KubernetesManifests.NATS_CONF_KEY)
                    .withLivenessProbe(healthz(ports, 10, 30));
        }
        return nats.withArgs("-c", KubernetesManifests.NATS_CONF_DIR + "/$(" + POD_NAME_ENV + ").conf")
                .addNewEnv().withName(POD_NAME_ENV).withNewValueFrom().withNewFieldRef().withFieldPath("metadata.name")
                .endFieldRef().endValueFrom().endEnv()
                .addNewPort().withName("cluster").withContainerPort(ROUTE_PORT).withProtocol("TCP").endPort()
                .withLivenessProbe(new ProbeBuilder()
                        .withNewHttpGet().withPath("/healthz?js-enabled-only=true").withPort(new IntOrString(ports.monitor()))
                        .endHttpGet()
                        .withInitialDelaySeconds(10).withPeriodSeconds(30).withFailureThreshold(3)
                        .build());
    }

    /** A cluster's headless Service and PodDisruptionBudget; nothing for one pod. */
    List<HasMetadata> extras(Map<String, String> labels, Ports ports) {
        if (nodes == 1) {
            return List.of();
        }
        List<HasMetadata> out = new ArrayList<>();
        out.add(new ServiceBuilder()
                .withMetadata(metadata(governingService(), labels, options))
                .withNewSpec()
                    .withClusterIP("None")
                    .withPublishNotReadyAddresses(true)
                    .withSelector(labels)
                    .withPorts(K8sObjects.servicePort("cluster", ROUTE_PORT), K8sObjects.servicePort("client", ports.client()),
                            K8sObjects.servicePort("leaf", ports.leaf()), K8sObjects.servicePort("monitor", ports.monitor()))
                .endSpec()
                .build());
        out.add(new PodDisruptionBudgetBuilder()
                .withMetadata(metadata(name, labels, options))
                .withNewSpec()
                    .withMaxUnavailable(new IntOrString(1))
                    .withNewSelector().withMatchLabels(labels).endSelector()
                .endSpec()
                .build());
        return out;
    }
}
