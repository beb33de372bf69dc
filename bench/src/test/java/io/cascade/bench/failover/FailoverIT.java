package io.cascade.bench.failover;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench failover} run small: 20 sites on an HA fabric, a rollout per failure (the hub's meta leader, the hub
 * service driving rollouts, eu's status-leading relay server, eu's relay service sending its rollup; every leaf link of eu
 * cut for 5 s), each killed -9 (or cut) mid-rollout and brought back; the rollout completes and the hub's
 * final rollup equals the edges' journals. Timings are printed, not asserted.
 */
class FailoverIT {

    @TempDir
    Path dir;

    @Test
    void everyFailureIsMeasuredAndEveryRolloutCompletes() throws Exception {
        BenchRun run = BenchRun.of(dir, "failover-20", "failover", "--edges", "20", "--waves", "4", "--kill-at", "25", "--cut", "5s");
        JsonNode rounds = run.json().path("rounds");
        assertThat(rounds).hasSize(5);
        assertThat(rounds.findValuesAsText("kill"))
                .containsExactly("meta-leader", "hub-service", "relay-server", "relay-service", "leaf-cut");
        for (JsonNode r : rounds) {
            assertThat(r.path("hubReady").asInt()).isEqualTo(20);
            assertThat(r.path("journals").asInt()).isEqualTo(20);
            assertThat(r.path("waveAtKill").asInt()).isBetween(25, 99);
            assertThat(r.path("withoutProgressMs").asLong()).isPositive();
            assertThat(r.path("completeMs").asLong()).isGreaterThanOrEqualTo(r.path("withoutProgressMs").asLong());
        }
        assertThat(run.md()).contains("# bench failover", "time without progress");
        System.out.println(run.md());
    }
}
