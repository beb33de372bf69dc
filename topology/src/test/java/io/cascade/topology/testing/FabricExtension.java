package io.cascade.topology.testing;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.FleetFile;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.launch.NatsServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a real hub and relays (nats-server processes from a rendered topology) on free ports in a
 * temp dir before the test class, and stops them, relays first, after it. The temp dir is deleted
 * unless a test failed (then its path is printed, with every server's config and log in it).
 *
 * <pre>
 * {@literal @}RegisterExtension
 * static final FabricExtension FABRIC = FabricExtension.demo();
 * </pre>
 */
public final class FabricExtension implements BeforeAllCallback, AfterAllCallback {

    private final Fleet fleet;
    private final boolean proxied;
    private Path dir;
    private LocalFabric fabric;
    private TcpProxy leafProxy;

    private FabricExtension(Fleet fleet, boolean proxied) {
        this.fleet = fleet;
        this.proxied = proxied;
    }

    private FabricExtension(Fleet fleet) {
        this(fleet, false);
    }

    /**
     * The same fabric with the relays' leaf links running through a {@link TcpProxy} the test
     * controls ({@link #leafProxy()}); the hub advertises the proxy, so relays cannot route around it.
     */
    public FabricExtension withLeafProxy() {
        return new FabricExtension(fleet, true);
    }

    /** The demo fleet: regions eu and us, three sites each. */
    public static FabricExtension demo() {
        return new FabricExtension(Fleets.demo());
    }

    public static FabricExtension of(Fleet fleet) {
        return new FabricExtension(fleet);
    }

    public static FabricExtension fromYaml(String yaml) {
        return new FabricExtension(FleetFile.parse(yaml, "test fleet"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dir = Files.createTempDirectory("cascade-fabric-" + context.getRequiredTestClass().getSimpleName() + "-");
        fabric = proxied
                ? LocalFabric.start(fleet, dir, hubLeaf -> {
                    String[] hp = hubLeaf.split(":");
                    leafProxy = TcpProxy.start(hp[0], Integer.parseInt(hp[1]));
                    return leafProxy.address();
                })
                : LocalFabric.start(fleet, dir);
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (fabric != null) {
            fabric.close();
        }
        if (leafProxy != null) {
            leafProxy.close();
        }
        if (dir != null) {
            if (context.getExecutionException().isPresent()) {
                System.err.println("fabric of failed test kept in " + dir);
            } else {
                deleteRecursively(dir);
            }
        }
    }

    /** The proxy on the relays' leaf links; only with {@link #withLeafProxy()}. */
    public TcpProxy leafProxy() {
        if (leafProxy == null) {
            throw new IllegalStateException("this fabric was not started withLeafProxy()");
        }
        return leafProxy;
    }

    public LocalFabric fabric() {
        return fabric;
    }

    /** The fleet with its ports resolved. */
    public Fleet fleet() {
        return fabric.fleet();
    }

    public NatsServerProcess hub() {
        return fabric.hub();
    }

    public NatsServerProcess relay(String region) {
        return fabric.relay(region);
    }

    /** A fresh directory for the test's own files (journals, configs), removed with the fabric's. */
    public Path newDir(String name) {
        try {
            return Files.createTempDirectory(dir, name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            System.err.println("could not delete " + root + ": " + e);
        }
    }
}
