package io.cascade.topology.k8s;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.natsconf.FabricConfigs;
import io.cascade.topology.targeting.Labels;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBindingBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The Kubernetes objects that run one edge site in its own cluster (a store's K3s), for {@code kubectl apply -f} there:
 * the edge with the {@code k8s} provider, one replica, its RocksDB journal on a volume of its own.
 *
 * <p>The container starts the edge as {@code ./cascade edge} starts one site on a device: {@code java} with
 * {@value #JVM_OPTIONS} (the settings {@code bench footprint} measured), a class-data archive written by the first start
 * and mapped by later ones (on the journal's volume, so it outlives the pod), RocksDB's JNI library from the edge's
 * {@code lib/native}, and {@code cascade-edge.jar}; the image holds a built checkout at {@value #HOME}, as it does for
 * the hub and relays. The site connects to its relay over TLS with credentials of its own (a Secret), and the provider
 * applies bundles of any kind, cluster-scoped ones included: its ServiceAccount is bound to {@code cluster-admin}, as
 * fleet agents' are.
 */
public final class EdgeManifests {

    /** The edge's namespace in its cluster. */
    public static final String NAMESPACE = "cascade-edge";
    static final String NAME = "cascade-edge";
    /** Where the image holds the built checkout (the {@code cascade} script's root). */
    public static final String HOME = "/opt/cascade";
    static final String JVM_OPTIONS = HOME + "/edge-node/jvm.options";
    static final String JAR = HOME + "/edge-node/target/cascade-edge.jar";
    static final String NATIVE = HOME + "/edge-node/target/lib/native";
    static final String DATA_DIR = "/data";
    static final String JOURNAL = DATA_DIR + "/journal";
    static final String ARCHIVE = DATA_DIR + "/cascade-edge.jsa";
    static final String CREDS_KEY = "site.creds";
    static final String CREDS = KubernetesManifests.TRUST_DIR + "/" + CREDS_KEY;
    static final String JOURNAL_SIZE = "1Gi";
    /**
     * A k8s site measured 134-137 MB resident idle and after 100 deltas (bench footprint, heap at most 64 MB): asked for
     * with room, limited well above it.
     */
    static final String MEMORY_REQUEST = "160Mi";
    static final String MEMORY_LIMIT = "256Mi";
    static final String CPU_REQUEST = "50m";
    static final String LABEL_SITE = "cascade.io/site";

    private EdgeManifests() {}

    /** The java command line of the edge's container, without the site's arguments. */
    public static List<String> command() {
        return List.of("java", "@" + JVM_OPTIONS, "-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + ARCHIVE,
                "-Djava.library.path=" + NATIVE, "-jar", JAR);
    }

    /**
     * The objects of {@code site} of {@code region}: namespace, ServiceAccount and its binding, the site's credentials,
     * the journal's claim and the Deployment, in apply order.
     *
     * @param relayUrl where the site reaches its relay, e.g. {@code tls://relay-eu.example.com:4222}; null: the relay's
     *                 Service in the fleet's cluster ({@link #relayService}), for a site in that same cluster
     */
    public static List<HasMetadata> build(Fleet fleet, RegionSpec region, SiteSpec site, ManifestOptions o, TrustRoot trust,
                                          String relayUrl) {
        Objects.requireNonNull(site, "site");
        if (!region.sites().contains(site)) {
            throw new IllegalArgumentException("site " + site.name() + " is not a site of region " + region.name());
        }
        String relay = relayUrl != null ? relayUrl : relayService(fleet, region.name(), o);
        Map<String, String> labels = new LinkedHashMap<>(KubernetesManifests.labels(fleet, "edge", region.name()));
        labels.put(KubernetesManifests.LABEL_NAME, NAME);
        labels.put(LABEL_SITE, site.name());
        String siteLabels = Labels.format(site.labels());

        Container edge = new ContainerBuilder()
                .withName("edge")
                .withImage(o.cascadeImage())
                .withCommand(command())
                .withArgs("--site", site.name(), "--region", region.name(), "--labels", siteLabels, "--relay", relay,
                        "--creds", CREDS, "--journal", JOURNAL, "--provider", "k8s")
                .withNewResources()
                    .addToRequests("memory", new Quantity(MEMORY_REQUEST))
                    .addToRequests("cpu", new Quantity(CPU_REQUEST))
                    .addToLimits("memory", new Quantity(MEMORY_LIMIT))
                .endResources()
                .addNewVolumeMount().withName("data").withMountPath(DATA_DIR).endVolumeMount()
                .addNewVolumeMount().withName("trust").withMountPath(KubernetesManifests.TRUST_DIR).withReadOnly(true).endVolumeMount()
                .build();

        return List.of(
                new NamespaceBuilder().withMetadata(new ObjectMetaBuilder().withName(NAMESPACE).withLabels(labels).build()).build(),
                new ServiceAccountBuilder().withMetadata(meta(NAME, labels)).build(),
                new ClusterRoleBindingBuilder()
                        .withMetadata(new ObjectMetaBuilder().withName(NAME).withLabels(labels).build())
                        .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole").withName("cluster-admin").endRoleRef()
                        .addNewSubject().withKind("ServiceAccount").withName(NAME).withNamespace(NAMESPACE).endSubject()
                        .build(),
                new SecretBuilder()
                        .withMetadata(meta(KubernetesManifests.trustSecretName(NAME), labels))
                        .withType("Opaque")
                        .addToStringData(CREDS_KEY, trust.issueClient(new Identity.Site(region.name(), site.name())).render())
                        .build(),
                new PersistentVolumeClaimBuilder()
                        .withMetadata(meta(NAME + "-data", labels))
                        .withNewSpec()
                            .withAccessModes("ReadWriteOnce")
                            .withNewResources().addToRequests("storage", new Quantity(JOURNAL_SIZE)).endResources()
                        .endSpec()
                        .build(),
                new DeploymentBuilder()
                        .withMetadata(meta(NAME, labels))
                        .withNewSpec()
                            .withReplicas(1)
                            // one process holds the journal: the old pod stops before the new one opens it
                            .withNewStrategy().withType("Recreate").endStrategy()
                            .withNewSelector().withMatchLabels(Map.of(KubernetesManifests.LABEL_NAME, NAME, LABEL_SITE, site.name())).endSelector()
                            .withNewTemplate()
                                .withNewMetadata().withLabels(labels).endMetadata()
                                .withNewSpec()
                                    .withServiceAccountName(NAME)
                                    .withContainers(edge)
                                    .addNewVolume().withName("data")
                                        .withNewPersistentVolumeClaim().withClaimName(NAME + "-data").endPersistentVolumeClaim()
                                    .endVolume()
                                    .addNewVolume().withName("trust")
                                        .withNewSecret().withSecretName(KubernetesManifests.trustSecretName(NAME)).withDefaultMode(0400).endSecret()
                                    .endVolume()
                                .endSpec()
                            .endTemplate()
                        .endSpec()
                        .build());
    }

    /** The relay's client port through its Service in the fleet's own cluster (its certificate names that host). */
    public static String relayService(Fleet fleet, String region, ManifestOptions o) {
        return "tls://" + KubernetesManifests.serviceHost(FabricConfigs.relayServerName(fleet, region), o) + ":"
                + KubernetesManifests.RELAY_PORTS.client();
    }

    private static ObjectMeta meta(String name, Map<String, String> labels) {
        return new ObjectMetaBuilder().withName(name).withNamespace(NAMESPACE).withLabels(labels).build();
    }
}
