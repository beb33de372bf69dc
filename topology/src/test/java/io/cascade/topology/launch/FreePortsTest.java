package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Free ports below the ephemeral range, each handed out once, each bindable. */
class FreePortsTest {

    @Test
    void portsAreBelowTheEphemeralRangeDistinctAndFree() throws Exception {
        int ephemeral = FreePorts.ephemeralLow();
        assertThat(ephemeral).isGreaterThan(FreePorts.LOW);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            int port = FreePorts.next();
            assertThat(port).isBetween(FreePorts.LOW, ephemeral - 1);
            assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
        }
        int port = FreePorts.next();
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(s.getLocalPort()).isEqualTo(port);
        }
    }
}
