package io.cascade.bench.raw;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench raw-fanout} run small on real nats-servers: every delivery counted, both files written. */
class RawFanoutIT {

    @TempDir
    Path dir;

    @Test
    void everySubscriberGetsEveryRoundsMessageAndTheResultsAreWritten() throws Exception {
        BenchRun run = BenchRun.of(dir, "raw-fanout-100", "raw-fanout", "--edges", "100", "--rounds", "2");
        JsonNode json = run.json();
        assertThat(json.path("scenario").asText()).isEqualTo("raw-fanout");
        assertThat(json.path("machine").path("cores").asInt()).isPositive();
        assertThat(json.path("machine").path("jvm").asText()).isNotBlank();
        assertThat(json.path("machine").path("natsServer").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(json.path("settings").path("edges").asInt()).isEqualTo(100);
        assertThat(json.path("settings").path("rounds").asInt()).isEqualTo(2);
        assertThat(json.path("settings").path("edgesPerRelay").path("eu").asInt()).isEqualTo(50);
        assertThat(json.path("settings").path("edgesPerRelay").path("us").asInt()).isEqualTo(50);
        assertThat(json.path("setup").path("connectMs").asDouble()).isPositive();
        assertThat(json.path("setup").path("disconnects").asInt()).isZero();

        for (String variant : new String[] {"shared", "perSite"}) {
            JsonNode v = json.path(variant);
            int messages = variant.equals("shared") ? 1 : 100;
            assertThat(v.path("rounds")).as(variant).hasSize(2);
            for (JsonNode round : v.path("rounds")) {
                assertThat(round.path("messages").asInt()).as(variant).isEqualTo(messages);
                assertThat(round.path("delivered").asInt()).as(variant + " round " + round.path("round")).isEqualTo(100);
                assertThat(round.path("missing").asInt()).isZero();
                assertThat(round.path("lastMs").asDouble()).isGreaterThanOrEqualTo(round.path("p99Ms").asDouble())
                        .isGreaterThanOrEqualTo(round.path("p50Ms").asDouble());
                assertThat(round.path("cpuMs").has("hub")).isTrue();
                assertThat(round.path("cpuMs").has("relay-eu")).isTrue();
                assertThat(round.path("cpuMs").has("relay-us")).isTrue();
            }
            JsonNode summary = v.path("summary");
            assertThat(summary.path("complete").asBoolean()).as(variant).isTrue();
            assertThat(summary.has("medianLastMs")).isTrue();
            assertThat(summary.has("medianP99Ms")).isTrue();
        }

        String md = run.md();
        assertThat(md).contains("# Raw fan-out, 100 subscribers", "| shared-subject (`bench.raw.all`) | 1 |",
                "| per-site-subjects (`bench.raw.site.<i>`) | 100 |", "## Rounds");
        assertThat(run.stdout()).contains("# Raw fan-out, 100 subscribers", "\"scenario\" : \"raw-fanout\"");
    }
}
