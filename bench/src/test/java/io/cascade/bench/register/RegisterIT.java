package io.cascade.bench.register;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench register} run small on real servers: every device joins, connects and is counted at the hub. */
class RegisterIT {

    @TempDir
    Path dir;

    @Test
    void everyDeviceRegistersConnectsAndIsCountedAtTheHub() throws Exception {
        BenchRun run = BenchRun.of(dir, "register-40", "register", "--sites", "40", "--callers", "8");
        JsonNode json = run.json();
        assertThat(json.path("scenario").asText()).isEqualTo("register");
        assertThat(json.path("failed").asInt()).isZero();
        assertThat(json.path("inSiteSet").asInt()).isEqualTo(40);
        assertThat(json.path("totalMs").asDouble()).isPositive().isGreaterThanOrEqualTo(json.path("allAckedMs").asDouble() * 0.9);
        for (String stage : new String[] {"register", "store", "connect", "firstAck", "device"}) {
            JsonNode s = json.path("stages").path(stage);
            assertThat(s.path("p50Ms").asDouble()).as(stage).isPositive();
            assertThat(s.path("maxMs").asDouble()).as(stage).isGreaterThanOrEqualTo(s.path("p99Ms").asDouble())
                    .isGreaterThanOrEqualTo(s.path("p50Ms").asDouble());
        }
        assertThat(json.path("cpuMs").has("relay-eu")).isTrue();
        JsonNode limit = json.path("limit");
        assertThat(limit.path("coresBusy").asDouble()).isPositive();
        assertThat(limit.path("devicesShare").asDouble()).isPositive().isLessThan(1);
        double servicesAndServers = json.path("cpuMs").path("hub-and-relay-services-jvm").asDouble()
                + json.path("cpuMs").path("hub").asDouble() + json.path("cpuMs").path("relay-eu").asDouble()
                + json.path("cpuMs").path("relay-us").asDouble();
        assertThat(limit.path("fleetCpuMs").asDouble()).isCloseTo(servicesAndServers, org.assertj.core.data.Offset.offset(1.0));
        assertThat(run.md()).contains("Where the time went:", "% busy over the run");
        assertThat(run.md()).contains("# Registration, 40 sites", "All 40 counted online at the hub after", "| register |");
        // each device kept its identity, 0600, and no pending seed
        Path device = dir.resolve("work/devices/eu-dev-00001");
        assertThat(Files.getPosixFilePermissions(device.resolve("eu-dev-00001.creds")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(device.resolve("eu-dev-00001.seed")).doesNotExist();
    }
}
