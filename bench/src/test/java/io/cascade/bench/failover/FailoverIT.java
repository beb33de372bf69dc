package io.cascade.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench failover} run small: 40 sites on an HA fabric, a rollout per failure (the hub's meta leader, eu's
 * status-leading relay server), each killed -9 mid-rollout and brought back; the rollout completes and the hub's
 * final rollup equals the edges' journals. Timings are printed, not asserted.
 */
class FailoverIT {

    @TempDir
    Path dir;

    @Test
    void everyFailureIsMeasuredAndEveryRolloutCompletes() throws Exception {
        BenchRun run = BenchRun.of(dir, "failover-40", "failover", "--edges", "40", "--waves", "4", "--kill-at", "25");
        JsonNode rounds = run.json().path("rounds");
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0).path("kill").asText()).isEqualTo("meta-leader");
        assertThat(rounds.get(1).path("kill").asText()).isEqualTo("relay-server");
        for (JsonNode r : rounds) {
            assertThat(r.path("hubReady").asInt()).isEqualTo(40);
            assertThat(r.path("journals").asInt()).isEqualTo(40);
            assertThat(r.path("waveAtKill").asInt()).isBetween(25, 99);
            assertThat(r.path("withoutProgressMs").asLong()).isPositive();
            assertThat(r.path("completeMs").asLong()).isGreaterThanOrEqualTo(r.path("withoutProgressMs").asLong());
        }
        assertThat(run.md()).contains("# bench failover", "time without progress");
        System.out.println(run.md());
    }
}
