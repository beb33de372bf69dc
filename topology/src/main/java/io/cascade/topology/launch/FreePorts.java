package io.cascade.topology.launch;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out free loopback TCP ports, never the same one twice in this JVM (the OS may offer a port
 * again once its probe socket is closed, before the server that was given it binds).
 *
 * <p>The ports lie below the kernel's ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range}, 32768 by
 * default), where the source ports of outgoing connections come from: a port the OS picked with {@code bind(0)} is
 * one of those, and a connection opened between the probe and the server's bind could take it (a fresh clone's
 * suite once failed so: a nats-server's monitor port "already in use").
 */
public final class FreePorts {

    /** The lowest port handed out. */
    static final int LOW = 20_000;
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int DEFAULT_EPHEMERAL_LOW = 32_768;

    /** Read once: the range does not change while the tests run. */
    private static final int HIGH = ephemeralLow();
    private static final Set<Integer> GIVEN = new HashSet<>();

    private FreePorts() {}

    public static synchronized int next() {
        int high = HIGH;
        for (int attempt = 0; attempt < 1000; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(LOW, high);
            if (!GIVEN.contains(port) && free(port)) {
                GIVEN.add(port);
                return port;
            }
        }
        throw new IllegalStateException("no free port in " + LOW + "-" + (high - 1) + " after 1000 tries");
    }

    /** The first port of the kernel's ephemeral range (Linux; elsewhere 32768, the IANA range starts above it). */
    static int ephemeralLow() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            return low > LOW + 1000 ? low : DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException notLinux) {
            return DEFAULT_EPHEMERAL_LOW;
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException inUse) {
            return false;
        }
    }
}
