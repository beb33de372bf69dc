package io.cascade.bench.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench memory} run small: a converged fleet measured before and after its edges. */
class MemoryIT {

    @TempDir
    Path dir;

    @Test
    void edgesAreMeasuredOnceConverged() throws Exception {
        BenchRun run = BenchRun.of(dir, "memory-50", "memory", "--edges", "50");
        JsonNode json = run.json();
        assertThat(json.path("scenario").asText()).isEqualTo("memory");
        assertThat(json.path("edges").asInt()).isEqualTo(50);
        assertThat(json.path("converged").asBoolean()).isTrue();
        // 50 connections and their sockets were open when measured
        assertThat(json.path("after").path("openFiles").asInt() - json.path("before").path("openFiles").asInt())
                .isGreaterThanOrEqualTo(50);
        assertThat(json.path("heapPerEdgeKb").asDouble()).isPositive();
        assertThat(json.path("journalBytes").asLong()).isPositive();
        assertThat(run.md()).contains("# Memory, 50 edges", "| **per edge** |");
    }
}
