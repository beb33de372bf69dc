package io.cascade.edge.provider.k8s;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether a workload has rolled out, from its status the way {@code kubectl rollout status} reads
 * it: the controller has observed the current generation, and every desired replica is updated and
 * ready. Objects that are not workloads are ready once applied.
 */
final class WorkloadReadiness {

    /** A workload that is not ready: {@code failed} when it will not get there without a change. */
    record NotReady(boolean failed, String message) {}

    private WorkloadReadiness() {}

    static Optional<NotReady> of(HasMetadata object) {
        String name = ObjectKey.of(object).toString();
        return switch (object) {
            case Deployment d -> deployment(name, d);
            case StatefulSet s -> statefulSet(name, s);
            case DaemonSet d -> daemonSet(name, d);
            default -> Optional.empty();
        };
    }

    private static Optional<NotReady> deployment(String name, Deployment d) {
        DeploymentStatus status = d.getStatus();
        int desired = Objects.requireNonNullElse(d.getSpec() == null ? null : d.getSpec().getReplicas(), 1);
        if (status == null) {
            return waiting(name + ": no status yet");
        }
        for (DeploymentCondition c : status.getConditions()) {
            if ("Progressing".equals(c.getType()) && "False".equals(c.getStatus()) && "ProgressDeadlineExceeded".equals(c.getReason())) {
                return Optional.of(new NotReady(true, name + ": " + c.getReason() + ": " + c.getMessage()));
            }
        }
        if (!observed(d, status.getObservedGeneration())) {
            return waiting(name + ": generation " + d.getMetadata().getGeneration() + " not observed yet");
        }
        int updated = orZero(status.getUpdatedReplicas());
        int ready = orZero(status.getReadyReplicas());
        if (updated < desired || ready < desired) {
            return waiting(name + ": " + ready + "/" + desired + " ready, " + updated + "/" + desired + " updated");
        }
        if (orZero(status.getReplicas()) > updated) {
            return waiting(name + ": " + (status.getReplicas() - updated) + " old replicas still running");
        }
        return Optional.empty();
    }

    private static Optional<NotReady> statefulSet(String name, StatefulSet s) {
        StatefulSetStatus status = s.getStatus();
        int desired = Objects.requireNonNullElse(s.getSpec() == null ? null : s.getSpec().getReplicas(), 1);
        if (status == null) {
            return waiting(name + ": no status yet");
        }
        if (!observed(s, status.getObservedGeneration())) {
            return waiting(name + ": generation " + s.getMetadata().getGeneration() + " not observed yet");
        }
        int ready = orZero(status.getReadyReplicas());
        if (ready < desired) {
            return waiting(name + ": " + ready + "/" + desired + " ready");
        }
        if (status.getUpdateRevision() != null && !status.getUpdateRevision().equals(status.getCurrentRevision())) {
            return waiting(name + ": rolling out revision " + status.getUpdateRevision() + " ("
                    + orZero(status.getUpdatedReplicas()) + "/" + desired + " updated)");
        }
        return Optional.empty();
    }

    private static Optional<NotReady> daemonSet(String name, DaemonSet d) {
        DaemonSetStatus status = d.getStatus();
        if (status == null) {
            return waiting(name + ": no status yet");
        }
        if (!observed(d, status.getObservedGeneration())) {
            return waiting(name + ": generation " + d.getMetadata().getGeneration() + " not observed yet");
        }
        int desired = orZero(status.getDesiredNumberScheduled());
        int updated = orZero(status.getUpdatedNumberScheduled());
        int ready = orZero(status.getNumberReady());
        if (updated < desired || ready < desired) {
            return waiting(name + ": " + ready + "/" + desired + " ready, " + updated + "/" + desired + " updated");
        }
        return Optional.empty();
    }

    /** True when the controller has seen the object's current spec (no generation: nothing to wait for). */
    private static boolean observed(HasMetadata object, Long observedGeneration) {
        Long generation = object.getMetadata().getGeneration();
        return generation == null || (observedGeneration != null && observedGeneration >= generation);
    }

    private static Optional<NotReady> waiting(String message) {
        return Optional.of(new NotReady(false, message));
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }
}
