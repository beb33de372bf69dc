package io.cascade.bench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench dashboard} run small: 20 sites, 2 warm loads; every request of the page load answered, the event
 * stream counted every site ready at the end. Timings are printed, not asserted.
 */
class DashboardIT {

    @TempDir
    Path dir;

    @Test
    void thePageLoadIsTimedAndTheStreamCountsEverySite() throws Exception {
        BenchRun run = BenchRun.of(dir, "dashboard-20", "dashboard", "--edges", "20", "--loads", "2");
        JsonNode json = run.json();
        assertThat(json.path("cold")).hasSize(6);
        assertThat(json.path("warm")).hasSize(6);
        for (JsonNode step : json.path("cold")) {
            assertThat(step.path("ms").asDouble()).as(step.path("request").asText()).isPositive();
        }
        assertThat(json.path("counted").asLong()).isEqualTo(20);
        assertThat(json.path("lagMaxMs").asLong()).isGreaterThanOrEqualTo(json.path("lagP50Ms").asLong()).isNotNegative();
        assertThat(json.path("rollupBytes").asInt()).isPositive();
        assertThat(run.md()).contains("# bench dashboard", "page load");
        System.out.println(run.md());
    }
}
