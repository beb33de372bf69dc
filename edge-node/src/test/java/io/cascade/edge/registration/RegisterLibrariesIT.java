package io.cascade.edge.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.trust.TrustRoot;
import java.lang.reflect.InvocationTargetException;
import java.net.ServerSocket;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged edge as a device runs it ({@code java -jar target/cascade-edge.jar}, the jar's own class path): gRPC,
 * netty, guava and Bouncy Castle, which only a registration uses, are in {@code lib/register}, off that class path; a
 * site that registers gets them through {@link SiteIdentity#call}. Runs after {@code package}.
 */
class RegisterLibrariesIT {

    private static final Path JAR = Path.of("target/cascade-edge.jar");

    @Test
    void theJarsClassPathLeavesTheRegistrationsLibrariesToLibRegister() throws Exception {
        String classPath;
        try (JarFile jar = new JarFile(JAR.toFile())) {
            classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
        }
        List<String> entries = Arrays.asList(classPath.split(" "));
        assertThat(entries).anyMatch(e -> e.startsWith("lib/cascade-proto-")).anyMatch(e -> e.startsWith("lib/jnats-"))
                .noneMatch(e -> e.startsWith("lib/grpc-") || e.startsWith("lib/guava-") || e.startsWith("lib/bcprov-")
                        || e.startsWith("lib/bcpkix-") || e.startsWith("lib/protobuf-java-util-") || e.startsWith("lib/gson-"));
        try (var register = Files.list(JAR.resolveSibling("lib/register"))) {
            assertThat(register.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith("grpc-netty-shaded-"))
                    .anyMatch(n -> n.startsWith("grpc-stub-"))
                    .anyMatch(n -> n.startsWith("guava-"))
                    .anyMatch(n -> n.startsWith("bcprov-lts8on-"))
                    .noneMatch(n -> n.startsWith("cascade-") || n.startsWith("jnats-") || n.startsWith("kubernetes-"));
        }
    }

    @Test
    void aSiteThatRegistersMakesItsKeyAndCallsTheHubWithTheLibrariesOfLibRegister(@TempDir Path tmp) throws Exception {
        Path ca = TrustRoot.init(tmp.resolve("trust")).caCertFile();
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Path identity = tmp.resolve("identity");
        try (URLClassLoader device = new URLClassLoader(new URL[] {JAR.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            for (String absent : List.of("io.grpc.ManagedChannel", "org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters",
                    "com.google.common.base.Preconditions")) {
                assertThatThrownBy(() -> Class.forName(absent, false, device)).isInstanceOf(ClassNotFoundException.class);
            }
            Class<?> siteIdentity = device.loadClass(SiteIdentity.class.getName());
            Object hub = device.loadClass(SiteIdentity.Hub.class.getName()).getConstructor(String.class, Path.class)
                    .newInstance("127.0.0.1:" + closed, ca);
            var call = siteIdentity.getMethod("call", Path.class, String.class, String.class, Map.class, String.class, hub.getClass());

            // no hub listens there: the site's key is made (NKey over Bouncy Castle) and gRPC over netty says UNAVAILABLE
            Throwable refused = null;
            try {
                call.invoke(null, identity, "store-0001", "eu", Map.of(), "cbt1.x.y", hub);
            } catch (InvocationTargetException e) {
                refused = e.getCause();
            }
            assertThat(refused).isInstanceOf(IllegalStateException.class)
                    .hasMessage("the hub at 127.0.0.1:" + closed + " refused to register site store-0001: UNAVAILABLE: io exception");
            assertThat(Files.readString(identity.resolve("store-0001.seed"))).startsWith("SU");

            Class<?> grpcError = refused.getCause().getClass();
            assertThat(grpcError.getName()).isEqualTo("io.grpc.StatusRuntimeException");
            ClassLoader register = grpcError.getClassLoader();
            assertThat(register.getName()).isEqualTo("cascade-register");
            assertThat(register.getParent()).isSameAs(device);
            // the registrar is defined with gRPC and jnats' NKey, and shares the edge's own types
            Class<?> registrar = Class.forName("io.cascade.edge.registration.hub.HubRegistrar", false, register);
            assertThat(registrar.getClassLoader()).isSameAs(register);
            assertThat(Class.forName("io.nats.client.NKey", false, register).getClassLoader()).isSameAs(register);
            assertThat(device.loadClass(SiteIdentity.Registrar.class.getName())).isAssignableFrom(registrar);
            assertThat(Class.forName(SiteIdentity.class.getName(), false, register)).isSameAs(siteIdentity);
        }
    }
}
