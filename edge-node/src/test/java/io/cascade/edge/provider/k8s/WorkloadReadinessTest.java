package io.cascade.edge.provider.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import org.junit.jupiter.api.Test;

class WorkloadReadinessTest {

    @Test
    void aStatefulSetIsReadyWhenEveryReplicaIsReadyOnTheUpdateRevision() {
        assertThat(WorkloadReadiness.of(statefulSet(3, 2, "web-1", "web-1")))
                .hasValue(new WorkloadReadiness.NotReady(false, "StatefulSet shop/db: 2/3 ready"));
        assertThat(WorkloadReadiness.of(statefulSet(3, 3, "web-1", "web-2")))
                .hasValue(new WorkloadReadiness.NotReady(false, "StatefulSet shop/db: rolling out revision web-2 (0/3 updated)"));
        assertThat(WorkloadReadiness.of(statefulSet(3, 3, "web-2", "web-2"))).isEmpty();
    }

    @Test
    void aDaemonSetIsReadyWhenEveryScheduledPodIsUpdatedAndReady() {
        assertThat(WorkloadReadiness.of(daemonSet(4, 4, 3)))
                .hasValue(new WorkloadReadiness.NotReady(false, "DaemonSet shop/agent: 3/4 ready, 4/4 updated"));
        assertThat(WorkloadReadiness.of(daemonSet(4, 2, 4)))
                .hasValue(new WorkloadReadiness.NotReady(false, "DaemonSet shop/agent: 4/4 ready, 2/4 updated"));
        assertThat(WorkloadReadiness.of(daemonSet(4, 4, 4))).isEmpty();
    }

    @Test
    void aDeploymentWithOldReplicasLeftIsNotReadyYet() {
        var rolling = new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("shop").withGeneration(2L).endMetadata()
                .withNewSpec().withReplicas(2).endSpec()
                .withNewStatus().withObservedGeneration(2L).withReplicas(3).withUpdatedReplicas(2).withReadyReplicas(2).endStatus()
                .build();
        var fresh = new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("shop").endMetadata()
                .withNewSpec().endSpec().build();

        assertThat(WorkloadReadiness.of(rolling))
                .hasValue(new WorkloadReadiness.NotReady(false, "Deployment shop/web: 1 old replicas still running"));
        assertThat(WorkloadReadiness.of(fresh))
                .hasValue(new WorkloadReadiness.NotReady(false, "Deployment shop/web: no status yet"));
    }

    @Test
    void objectsThatAreNotWorkloadsAreReadyOnceApplied() {
        assertThat(WorkloadReadiness.of(new ConfigMapBuilder().withNewMetadata().withName("c").endMetadata().build())).isEmpty();
    }

    private static StatefulSet statefulSet(int replicas, int ready, String current, String update) {
        return new StatefulSetBuilder().withNewMetadata().withName("db").withNamespace("shop").withGeneration(1L).endMetadata()
                .withNewSpec().withReplicas(replicas).endSpec()
                .withNewStatus().withObservedGeneration(1L).withReplicas(replicas).withReadyReplicas(ready)
                .withCurrentRevision(current).withUpdateRevision(update).endStatus()
                .build();
    }

    private static DaemonSet daemonSet(int desired, int updated, int ready) {
        return new DaemonSetBuilder().withNewMetadata().withName("agent").withNamespace("shop").withGeneration(3L).endMetadata()
                .withNewStatus().withObservedGeneration(3L).withDesiredNumberScheduled(desired)
                .withUpdatedNumberScheduled(updated).withNumberReady(ready).endStatus()
                .build();
    }
}
