package io.cascade.bench.replicas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench replicas} run small: the same writes on one server at R1 and on a 3-node cluster at R3. */
class ReplicasIT {

    @TempDir
    Path dir;

    @Test
    void bothRoundsStoreEverySiteAndReportTheServersCpu() throws Exception {
        BenchRun run = BenchRun.of(dir, "replicas-2000", "replicas", "--writes", "2000", "--keys", "300", "--batch", "100");
        JsonNode json = run.json();
        assertThat(json.path("scenario").asText()).isEqualTo("replicas");
        JsonNode rounds = json.path("rounds");
        assertThat(rounds).hasSize(2);
        assertThat(rounds.get(0).path("replicas").asInt()).isEqualTo(1);
        assertThat(rounds.get(1).path("replicas").asInt()).isEqualTo(3);
        for (JsonNode r : rounds) {
            assertThat(r.path("entries").asLong()).as("every site's status stored").isEqualTo(300);
            assertThat(r.path("writesPerSecond").asDouble()).isPositive();
            assertThat(r.path("serverCpuMs").asDouble()).isPositive();
        }
        assertThat(run.md()).contains("# bench replicas", "| 3 | 3 |");
    }
}
