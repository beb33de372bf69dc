package io.cascade.edge.provider.k8s;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.AppHealth;
import io.cascade.edge.provider.AppNames;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;

import static io.cascade.edge.provider.k8s.KubernetesObjects.APP_LABEL;
import static io.cascade.edge.provider.k8s.KubernetesObjects.HASH_ANNOTATION;
import static io.cascade.edge.provider.k8s.KubernetesObjects.MANAGED_BY;
import static io.cascade.edge.provider.k8s.KubernetesObjects.MANAGER;

import io.cascade.proto.AppState;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Applies apps to a Kubernetes cluster with fabric8: server-side apply (field manager
 * {@code cascade}, conflicts forced) of every object of the bundle, labelled and annotated as
 * {@link KubernetesObjects} says (which also has the namespace rule), then pruning of the labelled
 * objects that left the bundle.
 *
 * <p>Pruned, removed and read back (status, appliedHash, logs) are the objects of the
 * {@link #MANAGED_KINDS} labelled {@code app.kubernetes.io/managed-by=cascade,cascade.io/app=<app>}
 * in any namespace, plus, while this provider lives, the objects of other kinds it applied itself.
 * PersistentVolumeClaims are applied but never pruned, so data outlives a bundle change (they go
 * with the app's namespace when that is deleted).
 *
 * <p>Status: FAILED while the last apply failed or a Deployment exceeded its progress deadline;
 * DRIFTED when an applied object is missing, carries another content hash, or a labelled object is
 * not in the applied bundle; APPLYING while a Deployment, StatefulSet or DaemonSet has not rolled
 * out ({@link WorkloadReadiness}); READY otherwise; PENDING when nothing is labelled for the app.
 *
 * <p>Errors: an unreachable API server, 408, 409, 429 and 5xx are retryable; other 4xx are not and
 * carry the API server's message.
 */
final class KubernetesProvider implements Provider {

    /** The kinds listed by label: pruned, removed, read for status. Namespace first: removed last. */
    static final List<Class<? extends HasMetadata>> MANAGED_KINDS = List.of(
            Namespace.class, ServiceAccount.class, Role.class, RoleBinding.class, ConfigMap.class, Secret.class,
            Service.class, Deployment.class, StatefulSet.class, DaemonSet.class, Job.class, CronJob.class, Ingress.class);

    private static final Set<String> MANAGED_KIND_NAMES =
            MANAGED_KINDS.stream().map(HasMetadata::getKind).collect(Collectors.toUnmodifiableSet());

    /** What this provider last applied for an app (its content hash and objects). */
    private record Applied(String contentHash, Map<ObjectKey, HasMetadata> objects) {}

    private final KubernetesClient client;
    private final boolean ownsClient;
    private final Map<String, Applied> applied = new ConcurrentHashMap<>();
    private final Map<String, String> failures = new ConcurrentHashMap<>();

    /** @param ownsClient whether {@link #close()} closes {@code client} */
    KubernetesProvider(KubernetesClient client, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.ownsClient = ownsClient;
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        String app = AppNames.check(desired.app());
        try {
            if (KubernetesObjects.managedNamespace(app).length() > 63) {
                throw new ProviderException("app name " + app + " is too long for its namespace "
                        + KubernetesObjects.managedNamespace(app) + " (at most 63 characters)", false);
            }
            List<HasMetadata> objects = KubernetesObjects.of(client, desired);
            Map<ObjectKey, HasMetadata> keep = new LinkedHashMap<>();
            for (HasMetadata object : objects) {
                keep.put(ObjectKey.of(object), object);
                serverSideApply(object);
            }
            prune(app, keep);
            applied.put(app, new Applied(desired.contentHash(), keep));
            failures.remove(app);
        } catch (ProviderException e) {
            failures.put(app, "apply revision " + desired.intentRevision() + " failed: " + e.getMessage());
            throw e;
        }
    }

    private void serverSideApply(HasMetadata object) throws ProviderException {
        String namespace = object.getMetadata().getNamespace();
        try {
            if (namespace == null) {
                client.resource(object).fieldManager(MANAGER).forceConflicts().serverSideApply();
            } else {
                client.resource(object).inNamespace(namespace).fieldManager(MANAGER).forceConflicts().serverSideApply();
            }
        } catch (KubernetesClientException e) {
            throw failure("apply " + ObjectKey.of(object), e);
        }
    }

    /** Deletes the labelled objects of {@code app} not in {@code keep}, dependents first, namespaces last. */
    private void prune(String app, Map<ObjectKey, HasMetadata> keep) throws ProviderException {
        List<HasMetadata> gone = new ArrayList<>();
        for (HasMetadata live : managed(app).values()) {
            if (!keep.containsKey(ObjectKey.of(live))) {
                gone.add(live);
            }
        }
        Applied previous = applied.get(app);
        if (previous != null) {
            previous.objects().forEach((key, object) -> {
                if (!keep.containsKey(key) && !MANAGED_KIND_NAMES.contains(key.kind())) {
                    gone.add(object);
                }
            });
        }
        delete(gone);
    }

    @Override
    public void remove(String app) throws ProviderException {
        AppNames.check(app);
        List<HasMetadata> all = new ArrayList<>(managed(app).values());
        Applied previous = applied.get(app);
        if (previous != null) {
            previous.objects().forEach((key, object) -> {
                if (!MANAGED_KIND_NAMES.contains(key.kind())) {
                    all.add(object);
                }
            });
        }
        delete(all);
        applied.remove(app);
        failures.remove(app);
    }

    private void delete(List<HasMetadata> objects) throws ProviderException {
        List<HasMetadata> ordered = new ArrayList<>(objects);
        ordered.sort(Comparator.comparingInt((HasMetadata o) -> KubernetesObjects.rank(o.getKind())).reversed());
        for (HasMetadata object : ordered) {
            try {
                client.resource(object).delete();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw failure("delete " + ObjectKey.of(object), e);
                }
            }
        }
    }

    @Override
    public AppHealth status(String app) throws ProviderException {
        AppNames.check(app);
        String failure = failures.get(app);
        if (failure != null) {
            return new AppHealth(AppState.FAILED, failure);
        }
        Map<ObjectKey, HasMetadata> live = managed(app);
        Applied mine = applied.get(app);
        if (live.isEmpty() && mine == null) {
            return AppHealth.absent();
        }
        List<String> drift = new ArrayList<>();
        String expected;
        if (mine != null) {
            expected = mine.contentHash();
            for (Map.Entry<ObjectKey, HasMetadata> entry : mine.objects().entrySet()) {
                if (!MANAGED_KIND_NAMES.contains(entry.getKey().kind())) {
                    get(entry.getValue()).ifPresent(o -> live.put(entry.getKey(), o));
                }
                if (!live.containsKey(entry.getKey())) {
                    drift.add(entry.getKey() + " is missing");
                }
            }
            live.keySet().stream().filter(k -> !mine.objects().containsKey(k))
                    .forEach(k -> drift.add(k + " is not in the applied bundle"));
        } else {
            Set<String> hashes = live.values().stream().map(KubernetesProvider::hashOf).collect(Collectors.toSet());
            expected = hashes.size() == 1 ? hashes.iterator().next() : null;
            if (expected == null) {
                drift.add("its objects carry different content hashes " + new TreeSet<>(hashes));
            }
        }
        if (expected != null) {
            live.forEach((key, object) -> {
                if (!expected.equals(hashOf(object))) {
                    drift.add(key + " carries content hash " + (hashOf(object).isEmpty() ? "(none)" : hashOf(object))
                            + ", applied " + expected);
                }
            });
        }
        if (!drift.isEmpty()) {
            return new AppHealth(AppState.DRIFTED, String.join("; ", drift));
        }
        List<String> waiting = new ArrayList<>();
        for (HasMetadata object : live.values()) {
            Optional<WorkloadReadiness.NotReady> notReady = WorkloadReadiness.of(object);
            if (notReady.isPresent() && notReady.get().failed()) {
                return new AppHealth(AppState.FAILED, notReady.get().message());
            }
            notReady.ifPresent(n -> waiting.add(n.message()));
        }
        return waiting.isEmpty() ? AppHealth.ready() : new AppHealth(AppState.APPLYING, String.join("; ", waiting));
    }

    /**
     * The content-hash annotation of the app's labelled objects when they all carry the same one;
     * empty when there are none or they disagree (an apply that did not finish).
     */
    @Override
    public Optional<String> appliedHash(String app) throws ProviderException {
        AppNames.check(app);
        Set<String> hashes = managed(app).values().stream().map(KubernetesProvider::hashOf).collect(Collectors.toSet());
        return hashes.size() == 1 && !hashes.contains("") ? Optional.of(hashes.iterator().next()) : Optional.empty();
    }

    /**
     * The last {@code tail} lines of the containers of the pods of the app's Deployments,
     * StatefulSets and DaemonSets, merged by timestamp, each line prefixed {@code [pod/container]}.
     */
    @Override
    public List<String> logs(String app, int tail) throws ProviderException {
        AppNames.check(app);
        if (tail <= 0) {
            return List.of();
        }
        record Line(Instant at, String text) {}
        List<Line> lines = new ArrayList<>();
        Set<String> seenPods = new HashSet<>();
        for (HasMetadata workload : managed(app).values()) {
            LabelSelector selector = switch (workload) {
                case Deployment d -> d.getSpec().getSelector();
                case StatefulSet s -> s.getSpec().getSelector();
                case DaemonSet d -> d.getSpec().getSelector();
                default -> null;
            };
            if (selector == null || selector.getMatchLabels() == null || selector.getMatchLabels().isEmpty()) {
                continue;
            }
            String namespace = workload.getMetadata().getNamespace();
            try {
                for (Pod pod : client.pods().inNamespace(namespace).withLabels(selector.getMatchLabels()).list().getItems()) {
                    if (!seenPods.add(namespace + "/" + pod.getMetadata().getName())) {
                        continue;
                    }
                    for (var container : pod.getSpec().getContainers()) {
                        String prefix = "[" + pod.getMetadata().getName() + "/" + container.getName() + "] ";
                        for (String line : containerLog(namespace, pod.getMetadata().getName(), container.getName(), tail)) {
                            int space = line.indexOf(' ');
                            Instant at = space < 0 ? Instant.MIN : parseInstant(line.substring(0, space));
                            lines.add(new Line(at, prefix + (space < 0 ? line : line.substring(space + 1))));
                        }
                    }
                }
            } catch (KubernetesClientException e) {
                throw failure("logs of " + ObjectKey.of(workload), e);
            }
        }
        lines.sort(Comparator.comparing(Line::at));
        return lines.subList(Math.max(0, lines.size() - tail), lines.size()).stream().map(Line::text).toList();
    }

    private List<String> containerLog(String namespace, String pod, String container, int tail) {
        try {
            String log = client.pods().inNamespace(namespace).withName(pod).inContainer(container)
                    .usingTimestamps().tailingLines(tail).getLog();
            return log == null || log.isEmpty() ? List.of() : log.lines().toList();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 400 || e.getCode() == 404) {
                return List.of(); // container not started yet, or the pod just went away
            }
            throw e;
        }
    }

    private static Instant parseInstant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return Instant.MIN;
        }
    }

    /** The app's labelled objects of the {@link #MANAGED_KINDS}, in any namespace. */
    private Map<ObjectKey, HasMetadata> managed(String app) throws ProviderException {
        Map<ObjectKey, HasMetadata> live = new LinkedHashMap<>();
        for (Class<? extends HasMetadata> kind : MANAGED_KINDS) {
            try {
                for (HasMetadata object : client.resources(kind).inAnyNamespace()
                        .withLabel(MANAGED_BY, MANAGER).withLabel(APP_LABEL, app).list().getItems()) {
                    live.put(new ObjectKey(HasMetadata.getKind(kind), object.getMetadata().getNamespace(),
                            object.getMetadata().getName()), object);
                }
            } catch (KubernetesClientException e) {
                throw failure("list " + HasMetadata.getKind(kind) + " objects of app " + app, e);
            }
        }
        return live;
    }

    private Optional<HasMetadata> get(HasMetadata object) throws ProviderException {
        try {
            return Optional.ofNullable(client.resource(object).get());
        } catch (KubernetesClientException e) {
            throw failure("read " + ObjectKey.of(object), e);
        }
    }

    private static String hashOf(HasMetadata object) {
        Map<String, String> annotations = object.getMetadata().getAnnotations();
        return annotations == null ? "" : annotations.getOrDefault(HASH_ANNOTATION, "");
    }

    /** Maps a client failure once: what was tried, why, and whether trying again may help. */
    static ProviderException failure(String what, KubernetesClientException e) {
        int code = e.getCode();
        String apiMessage = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage();
        if (code < 100) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return new ProviderException(what + ": API server unreachable: " + root, true, e);
        }
        // 403 "... because it is being terminated": the namespace of a removed app is still going away
        boolean terminating = apiMessage != null && apiMessage.contains("being terminated");
        boolean retryable = code == 408 || code == 409 || code == 429 || code >= 500 || terminating;
        return new ProviderException(what + ": HTTP " + code + ": " + apiMessage, retryable, e);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return "k8s:" + client.getMasterUrl();
    }
}
