package io.cascade.topology.k8s;

import io.cascade.topology.fleet.Ports;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.Map;

/** The small Kubernetes objects {@link KubernetesManifests} composes its workloads of: metadata, Services, probes. */
final class K8sObjects {

    private K8sObjects() {}

    /** nats-server's own health endpoint on its monitoring port. */
    static Probe healthz(Ports ports, int initialDelaySeconds, int periodSeconds) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath("/healthz").withPort(new IntOrString(ports.monitor())).endHttpGet()
                .withInitialDelaySeconds(initialDelaySeconds)
                .withPeriodSeconds(periodSeconds)
                .withFailureThreshold(3)
                .build();
    }

    /** A ClusterIP Service selecting {@code labels}. */
    static Service service(String name, Map<String, String> labels, ManifestOptions o, ServicePort... ports) {
        return new ServiceBuilder()
                .withMetadata(metadata(name, labels, o))
                .withNewSpec()
                    .withType("ClusterIP")
                    .withSelector(labels)
                    .withPorts(ports)
                .endSpec()
                .build();
    }

    /** A Service port that targets the container port of the same name. */
    static ServicePort servicePort(String name, int port) {
        return new ServicePortBuilder()
                .withName(name).withPort(port).withTargetPort(new IntOrString(name)).withProtocol("TCP")
                .build();
    }

    /** Name, namespace and labels of an object. */
    static ObjectMeta metadata(String name, Map<String, String> labels, ManifestOptions o) {
        return new ObjectMetaBuilder()
                .withName(name).withNamespace(o.namespace()).withLabels(labels)
                .build();
    }
}
