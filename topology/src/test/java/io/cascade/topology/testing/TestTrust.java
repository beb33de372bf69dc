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

    /** Operator mode with the shared trust root; the resolver keeps its JWTs in {@code resolverDir}. */
    public static NatsServerConfig.Auth auth(String resolverDir) {
        return FabricConfigs.auth(shared(), shared().operatorJwtFile().toString(), resolverDir);
    }
}
