package io.cascade.topology.testing;

import io.cascade.topology.natsconf.FabricConfigs;
import io.cascade.topology.natsconf.NatsServerConfig;
import io.cascade.topology.trust.TrustRoot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One trust root per test JVM, in a temp dir removed at exit, for tests that render configs. */
public final class TestTrust {

    private static TrustRoot shared;

    private TestTrust() {}

    public static synchronized TrustRoot shared() {
        if (shared == null) {
            try {
                Path dir = Files.createTempDirectory("cascade-test-trust-");
                Runtime.getRuntime().addShutdownHook(new Thread(() -> FabricExtension.deleteRecursively(dir)));
                shared = TrustRoot.init(dir.resolve("trust"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return shared;
    }

    /** Leaf TLS files at fixed paths, for tests that only render configs. */
    public static final NatsServerConfig.Tls RENDER_TLS = new NatsServerConfig.Tls("/etc/tls/leaf.crt", "/etc/tls/leaf.key",
            "/etc/tls/ca.crt");

    /** A real leaf certificate from the shared CA for {@code names}, in {@code dir}, for tests that start or check servers. */
    public static NatsServerConfig.Tls leafTls(Path dir, String name, java.util.List<String> names) {
        Path cert = dir.resolve(name + ".crt");
        Path key = dir.resolve(name + ".key");
        shared().issueServerCertificate(names, cert, key);
        return new NatsServerConfig.Tls(cert.toString(), key.toString(), shared().caCertFile().toString());
    }

    /** Operator mode with the shared trust root; the resolver keeps its JWTs in {@code resolverDir}. */
    public static NatsServerConfig.Auth auth(String resolverDir) {
        return FabricConfigs.auth(shared(), shared().operatorJwtFile().toString(), resolverDir);
    }
}
