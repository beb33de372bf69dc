package io.cascade.topology.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.testing.TestTrust;
import io.cascade.topology.trust.UserCredentials;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One site's edge for its own cluster, as {@code cascade topology render} writes it to edges/<site>.yaml and kubectl reads it. */
class EdgeManifestsTest {

    private final Fleet fleet = Fleets.demo();
    private final ManifestOptions options = ManifestOptions.defaults(RenderedManifests.demoFleetText());
    private final RegionSpec eu = fleet.requireRegion("eu");
    private final SiteSpec site = eu.sites().get(0);

    /** Rendered to YAML and read back document by document. */
    private List<HasMetadata> rendered(String relayUrl) {
        String yaml = KubernetesManifests.toYaml(EdgeManifests.build(fleet, eu, site, options, TestTrust.shared(), relayUrl));
        return Arrays.stream(yaml.split("(?m)^---$\\n?")).filter(doc -> !doc.isBlank())
                .map(doc -> Serialization.unmarshal(doc, HasMetadata.class)).toList();
    }

    private static <T> T one(List<HasMetadata> objects, Class<T> kind) {
        List<T> all = objects.stream().filter(kind::isInstance).map(kind::cast).toList();
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void aSiteIsANamespaceAnAccountBoundToClusterAdminItsCredentialsAJournalClaimAndOneDeployment() {
        List<HasMetadata> objects = rendered(null);
        assertThat(objects).extracting(o -> o.getKind() + " " + o.getMetadata().getName()).containsExactly(
                "Namespace cascade-edge", "ServiceAccount cascade-edge", "ClusterRoleBinding cascade-edge",
                "Secret cascade-edge-trust", "PersistentVolumeClaim cascade-edge-data", "Deployment cascade-edge");
        assertThat(objects).filteredOn(o -> !o.getKind().startsWith("Namespace") && !o.getKind().startsWith("Cluster"))
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("cascade-edge"));
        assertThat(objects).allSatisfy(o -> assertThat(o.getMetadata().getLabels()).contains(
                entry("app.kubernetes.io/name", "cascade-edge"), entry("app.kubernetes.io/component", "edge"),
                entry("cascade.io/fleet", "demo"), entry("cascade.io/region", "eu"), entry("cascade.io/site", "store-eu-0001")));

        // the provider applies bundles of any kind, cluster-scoped ones too
        ClusterRoleBinding binding = one(objects, ClusterRoleBinding.class);
        assertThat(binding.getRoleRef().getKind() + " " + binding.getRoleRef().getName()).isEqualTo("ClusterRole cluster-admin");
        assertThat(binding.getSubjects()).singleElement()
                .satisfies(s -> assertThat(s.getKind() + " " + s.getNamespace() + "/" + s.getName())
                        .isEqualTo("ServiceAccount cascade-edge/cascade-edge"));

        PersistentVolumeClaim journal = one(objects, PersistentVolumeClaim.class);
        assertThat(journal.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(journal.getSpec().getResources().getRequests()).containsEntry("storage", new Quantity("1Gi"));
    }

    @Test
    void theContainerStartsTheEdgeAsCascadeEdgeDoesOneSiteWithTheK8sProvider() {
        Deployment d = one(rendered(null), Deployment.class);
        assertThat(d.getSpec().getReplicas()).isEqualTo(1);
        // one process holds the RocksDB journal: the old pod is gone before the new one opens it
        assertThat(d.getSpec().getStrategy().getType()).isEqualTo("Recreate");
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsAllEntriesOf(d.getSpec().getSelector().getMatchLabels());
        PodSpec pod = d.getSpec().getTemplate().getSpec();
        assertThat(pod.getServiceAccountName()).isEqualTo("cascade-edge");
        Container edge = pod.getContainers().get(0);
        assertThat(pod.getContainers()).hasSize(1);
        assertThat(edge.getImage()).isEqualTo(ManifestOptions.DEFAULT_CASCADE_IMAGE);
        assertThat(edge.getCommand()).containsExactly("java", "@/opt/cascade/edge-node/jvm.options", "-XX:+AutoCreateSharedArchive",
                "-XX:SharedArchiveFile=/data/cascade-edge.jsa", "-Djava.library.path=/opt/cascade/edge-node/target/lib/native",
                "-jar", "/opt/cascade/edge-node/target/cascade-edge.jar");
        assertThat(edge.getArgs()).containsExactly("--site", "store-eu-0001", "--region", "eu", "--labels", "country=de,region=eu,tier=store",
                "--relay", "tls://demo-relay-eu.cascade.svc:4222", "--creds", "/etc/cascade-trust/site.creds",
                "--journal", "/data/journal", "--provider", "k8s");
        assertThat(edge.getResources().getRequests()).containsEntry("memory", new Quantity("160Mi"));
        assertThat(edge.getResources().getLimits()).containsEntry("memory", new Quantity("256Mi"));
        assertThat(edge.getVolumeMounts()).extracting(m -> m.getName() + " " + m.getMountPath() + " " + Boolean.TRUE.equals(m.getReadOnly()))
                .containsExactly("data /data false", "trust /etc/cascade-trust true");
        assertThat(pod.getVolumes()).extracting(v -> v.getName() + " " + (v.getPersistentVolumeClaim() != null
                        ? v.getPersistentVolumeClaim().getClaimName() : v.getSecret().getSecretName() + " " + v.getSecret().getDefaultMode()))
                .containsExactly("data cascade-edge-data", "trust cascade-edge-trust 256");
    }

    @Test
    void theSecretHoldsTheSitesOwnCredentialsWithTheFleetCaAndNothingElse() {
        List<HasMetadata> objects = rendered(null);
        Secret secret = one(objects, Secret.class);
        assertThat(secret.getStringData()).containsOnlyKeys("site.creds");
        UserCredentials creds = UserCredentials.parse(secret.getStringData().get("site.creds"), "secret");
        assertThat(creds.name()).isEqualTo("site-store-eu-0001");
        assertThat(creds.caPem()).contains("-----BEGIN CERTIFICATE-----");
        assertThat(KubernetesManifests.toYaml(objects)).doesNotContainPattern("\\bS[OA][A-Z2-7]{50,}");
    }

    @Test
    void aRelayUrlTakesThePlaceOfTheRelaysServiceAndASiteOfAnotherRegionIsRefused() {
        Container edge = one(rendered("tls://relay-eu.shops.example:4222"), Deployment.class).getSpec().getTemplate().getSpec()
                .getContainers().get(0);
        assertThat(edge.getArgs()).containsSequence("--relay", "tls://relay-eu.shops.example:4222");
        SiteSpec us = fleet.requireRegion("us").sites().get(0);
        assertThatThrownBy(() -> EdgeManifests.build(fleet, eu, us, options, TestTrust.shared(), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("site store-us-0001 is not a site of region eu");
    }
}
