package io.cascade.edge.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;

/**
 * The packaged edge as a device runs it ({@code java -jar target/cascade-edge.jar}, the jar's own class path): fabric8
 * and what only it needs are in {@code lib/k8s}, not on that class path; a sim provider does without them, a k8s
 * provider gets them through {@link KubernetesLoader}. Runs after {@code package}.
 */
class KubernetesLoaderIT {

    private static final Path JAR = Path.of("target/cascade-edge.jar");

    @Test
    void theJarsClassPathLeavesFabric8ToLibK8s() throws Exception {
        String classPath;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
        }
        List<String> entries = Arrays.asList(classPath.split(" "));
        assertThat(entries).anyMatch(e -> e.startsWith("lib/rocksdbjni-")).anyMatch(e -> e.startsWith("lib/jnats-"))
                .noneMatch(e -> e.startsWith("lib/kubernetes-") || e.startsWith("lib/vertx-") || e.startsWith("lib/netty-"));
        for (String e : entries) {
            assertThat(JAR.resolveSibling(e)).as("on the jar's class path").isRegularFile();
        }
        try (var k8s = Files.list(JAR.resolveSibling("lib/k8s"))) {
            assertThat(k8s.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("kubernetes-client-"))
                    .anyMatch(n -> n.startsWith("kubernetes-model-core-"))
                    // fabric8 over the JDK's HTTP client: no vert.x, no netty on the device
                    .anyMatch(n -> n.startsWith("kubernetes-httpclient-jdk-"))
                    .noneMatch(n -> n.startsWith("vertx-") || n.startsWith("netty-"));
        }
    }

    @Test
    void aSimSiteLoadsNoFabric8AndAK8sSiteLoadsItFromLibK8s() throws Exception {
        try (URLClassLoader device = new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Class<?> providers = device.loadClass(Providers.class.getName());
            var fromSpec = providers.getMethod("fromSpec", String.class);
            try (AutoCloseable sim = (AutoCloseable) fromSpec.invoke(null, "sim:seed=1")) {
                assertThat(sim.getClass().getClassLoader()).isSameAs(device);
            }
            assertThatThrownBy(() -> Class.forName("io.fabric8.kubernetes.client.KubernetesClient", false, device))
                    .isInstanceOf(ClassNotFoundException.class);

            try (AutoCloseable k8s = (AutoCloseable) fromSpec.invoke(null, "k8s")) {
                ClassLoader loader = k8s.getClass().getClassLoader();
                assertThat(k8s.getClass().getName()).isEqualTo("io.cascade.edge.provider.k8s.KubernetesProvider");
                assertThat(loader.getName()).isEqualTo("cascade-k8s");
                assertThat(loader.getParent()).isSameAs(device);
                // the provider shares the edge's own interface, and sees fabric8 through its loader
                assertThat(device.loadClass(Provider.class.getName())).isAssignableFrom(k8s.getClass());
                assertThat(Class.forName("io.fabric8.kubernetes.client.KubernetesClient", false, loader).getClassLoader())
                        .isSameAs(loader);
            }
        }
    }
}
