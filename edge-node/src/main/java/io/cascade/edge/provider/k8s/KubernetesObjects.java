package io.cascade.edge.provider.k8s;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.ProviderException;

import io.cascade.proto.Resource;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An app's resources as the Kubernetes objects the provider applies, each labelled
 * {@code app.kubernetes.io/managed-by=cascade}, {@code cascade.io/app=<app>} and annotated
 * {@code cascade.io/content-hash=<hash>}, in apply order.
 *
 * <p>The namespace rule: a namespaced object goes to its resource's {@code namespace} when set,
 * else to its manifest's {@code metadata.namespace} when set, else to the app's own namespace
 * {@code cascade-<app>}, which is then added (labelled and annotated like the rest) before the
 * app's other objects. Cluster-scoped objects (Namespace, ClusterRole, ...) have none. A
 * namespace that resources name themselves is not created unless the bundle holds it.
 */
final class KubernetesObjects {

    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String MANAGER = "cascade";
    static final String APP_LABEL = "cascade.io/app";
    static final String HASH_ANNOTATION = "cascade.io/content-hash";
    static final String NAMESPACE_PREFIX = "cascade-";

    /** Apply order (Helm's, shortened): what others refer to first, workloads after; other kinds last. */
    private static final List<String> ORDER = List.of(
            "Namespace", "CustomResourceDefinition", "ServiceAccount", "Secret", "ConfigMap",
            "PersistentVolumeClaim", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Service",
            "DaemonSet", "Deployment", "StatefulSet", "Job", "CronJob", "Ingress");

    private KubernetesObjects() {}

    static String managedNamespace(String app) {
        return NAMESPACE_PREFIX + app;
    }

    /** The objects of {@code desired}, in apply order; throws (not retryable) on a resource that is not one. */
    static List<HasMetadata> of(KubernetesClient client, AppDesired desired) throws ProviderException {
        String app = desired.app();
        String managed = managedNamespace(app);
        Map<ObjectKey, HasMetadata> objects = new LinkedHashMap<>();
        Map<String, Boolean> scopes = new HashMap<>();
        for (Resource r : desired.resources()) {
            HasMetadata object = parse(client, r);
            ObjectMeta meta = object.getMetadata();
            if (isNamespaced(client, object, scopes)) {
                String own = r.hasNamespace() ? r.getNamespace() : null;
                if (own != null && meta.getNamespace() != null && !own.equals(meta.getNamespace())) {
                    throw new ProviderException("resource " + label(r) + ": its manifest says namespace "
                            + meta.getNamespace() + ", the resource " + own, false);
                }
                meta.setNamespace(own != null ? own : meta.getNamespace() != null ? meta.getNamespace() : managed);
            } else {
                meta.setNamespace(null);
            }
            if (objects.put(ObjectKey.of(object), object) != null) {
                throw new ProviderException("resource " + label(r) + " appears twice in the bundle", false);
            }
        }
        boolean usesManaged = objects.values().stream().anyMatch(o -> managed.equals(o.getMetadata().getNamespace()));
        ObjectKey managedKey = new ObjectKey("Namespace", "", managed);
        if (usesManaged && !objects.containsKey(managedKey)) {
            objects.put(managedKey, new NamespaceBuilder().withNewMetadata().withName(managed).endMetadata().build());
        }
        List<HasMetadata> ordered = new ArrayList<>(objects.values());
        ordered.forEach(o -> mark(o, app, desired.contentHash()));
        ordered.sort(Comparator.comparingInt(o -> rank(o.getKind())));
        return ordered;
    }

    static int rank(String kind) {
        int i = ORDER.indexOf(kind);
        return i < 0 ? ORDER.size() : i;
    }

    private static HasMetadata parse(KubernetesClient client, Resource r) throws ProviderException {
        if (r.getContentCase() != Resource.ContentCase.MANIFEST) {
            throw new ProviderException("resource " + label(r) + ": the Kubernetes provider applies manifests; "
                    + (r.hasData() ? "binary data" : "no content") + " is for the manifest-directory provider", false);
        }
        Object parsed;
        try {
            parsed = client.getKubernetesSerialization().unmarshal(r.getManifest());
        } catch (RuntimeException e) {
            throw new ProviderException("resource " + label(r) + ": not a Kubernetes object: " + e.getMessage(), false, e);
        }
        if (!(parsed instanceof HasMetadata object) || object.getMetadata() == null) {
            throw new ProviderException("resource " + label(r) + ": the manifest must be one Kubernetes object with metadata", false);
        }
        if (!r.getKind().equals(object.getKind()) || !r.getName().equals(object.getMetadata().getName())) {
            throw new ProviderException("resource " + label(r) + ": its manifest is " + object.getKind() + " "
                    + object.getMetadata().getName(), false);
        }
        ObjectMeta meta = object.getMetadata();
        // server-side apply sends intent only: no identity or version of a live object
        meta.setResourceVersion(null);
        meta.setUid(null);
        meta.setManagedFields(null);
        meta.setCreationTimestamp(null);
        meta.setGeneration(null);
        return object;
    }

    private static boolean isNamespaced(KubernetesClient client, HasMetadata object, Map<String, Boolean> scopes)
            throws ProviderException {
        if (!(object instanceof GenericKubernetesResource)) {
            return object instanceof Namespaced;
        }
        String key = object.getApiVersion() + " " + object.getKind();
        Boolean known = scopes.get(key);
        if (known != null) {
            return known;
        }
        APIResourceList served;
        try {
            served = client.getApiResources(object.getApiVersion());
        } catch (KubernetesClientException e) {
            throw KubernetesProvider.failure("look up kind " + key, e);
        }
        for (APIResource resource : served == null ? List.<APIResource>of() : served.getResources()) {
            if (object.getKind().equals(resource.getKind()) && !resource.getName().contains("/")) {
                scopes.put(key, Boolean.TRUE.equals(resource.getNamespaced()));
                return scopes.get(key);
            }
        }
        // perhaps its CustomResourceDefinition is on its way: worth another try later
        throw new ProviderException("kind " + object.getKind() + " of " + object.getApiVersion()
                + " is not served by the cluster (yet)", true);
    }

    private static void mark(HasMetadata object, String app, String contentHash) {
        ObjectMeta meta = object.getMetadata();
        Map<String, String> labels = new LinkedHashMap<>(meta.getLabels() == null ? Map.of() : meta.getLabels());
        labels.put(MANAGED_BY, MANAGER);
        labels.put(APP_LABEL, app);
        meta.setLabels(labels);
        Map<String, String> annotations = new LinkedHashMap<>(meta.getAnnotations() == null ? Map.of() : meta.getAnnotations());
        annotations.put(HASH_ANNOTATION, contentHash);
        meta.setAnnotations(annotations);
    }

    static String label(Resource r) {
        return r.getKind() + " " + (r.hasNamespace() ? r.getNamespace() + "/" : "") + r.getName();
    }
}
