package io.cascade.bench.publish;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench publish} run small on a real hub and relays: every publish succeeds, the counts add up,
 * the hub's state holds each app's last publish, both files are written.
 */
class PublishIT {

    @TempDir
    Path dir;

    @Test
    void everyPublishLandsInTheHubsStateAndTheResultsAreWritten() throws Exception {
        BenchRun run = BenchRun.of(dir, "publish-100", "publish",
                "--clients", "1,4", "--publishes", "100", "--apps", "8", "--warmup", "20");
        JsonNode json = run.json();
        assertThat(json.path("scenario").asText()).isEqualTo("publish");
        assertThat(json.path("machine").path("natsServer").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(json.path("settings").path("apps").asInt()).isEqualTo(8);
        assertThat(json.path("settings").path("warmupClients").asInt()).isEqualTo(4);
        assertThat(json.path("settings").path("intentBytes").asInt()).isPositive();

        JsonNode warmup = json.path("warmup");
        assertThat(warmup.path("publishes").asInt()).isEqualTo(20);
        assertThat(warmup.path("succeeded").asInt()).isEqualTo(20);
        assertThat(warmup.path("complete").asBoolean()).isTrue();

        JsonNode levels = json.path("levels");
        assertThat(levels).hasSize(2);
        int[] clients = {1, 4};
        for (int i = 0; i < 2; i++) {
            JsonNode l = levels.get(i);
            String as = l.path("clients").asInt() + " clients";
            assertThat(l.path("clients").asInt()).isEqualTo(clients[i]);
            assertThat(l.path("publishes").asInt()).as(as).isEqualTo(100);
            assertThat(l.path("succeeded").asInt()).as(as).isEqualTo(100);
            assertThat(l.path("unchanged").asInt()).as(as).isZero();
            assertThat(l.path("errors").size()).as(as).isZero();
            assertThat(l.path("wallMs").asDouble()).as(as).isPositive();
            assertThat(l.path("publishesPerSecond").asDouble()).as(as).isPositive();
            JsonNode lat = l.path("latencyMs");
            assertThat(lat.path("max").asDouble()).as(as).isGreaterThanOrEqualTo(lat.path("p99").asDouble())
                    .isGreaterThanOrEqualTo(lat.path("p90").asDouble());
            assertThat(lat.path("p90").asDouble()).as(as).isGreaterThanOrEqualTo(lat.path("p50").asDouble());
            assertThat(lat.path("p50").asDouble()).as(as).isPositive();
            for (String proc : new String[] {"hub", "relay-eu", "relay-us", "bench-jvm"}) {
                assertThat(l.path("cpuMs").has(proc)).as(as + " " + proc).isTrue();
                assertThat(l.path("cpuMsPerPublish").has(proc)).as(as + " " + proc).isTrue();
            }
            assertThat(l.path("hubJetStream").path("apiRequestsPerPublish").asDouble()).as(as).isPositive();

            JsonNode v = l.path("verification");
            assertThat(v.path("apps").asInt()).as(as).isEqualTo(8);
            assertThat(v.path("appsListed").asInt()).as(as).isEqualTo(8);
            assertThat(v.path("desiredDocsMatching").asInt()).as(as).isEqualTo(16);
            assertThat(v.path("intentsRevisionsExpected").asLong()).as(as).isEqualTo(100);
            assertThat(v.path("intentsRevisionsAdded").asLong()).as(as).isEqualTo(100);
            assertThat(v.path("desiredRevisionsExpected").asLong()).as(as).isEqualTo(200);
            assertThat(v.path("desiredRevisionsAdded").asLong()).as(as).isEqualTo(200);
            assertThat(v.path("problemCount").asInt()).as(as).isZero();
            assertThat(l.path("complete").asBoolean()).as(as).isTrue();
        }

        String md = run.md();
        assertThat(md).contains("# Publish, 100 publishes per level over 8 apps", "## Per publish",
                "## State after each level", "| 1 | 8 | 8 | 16 | 100 (100) | 200 (200) | 0 |",
                "| 4 | 8 | 8 | 16 | 100 (100) | 200 (200) | 0 |").doesNotContain("incomplete");
        assertThat(run.stdout()).contains("\"scenario\" : \"publish\"");
    }
}
