package io.cascade.bench.catchup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench catchup} run small on real nats-servers: the edge converges after its restart with at
 * most one doc per key and exactly one apply per app, every count adds up, both files are written.
 */
class CatchupIT {

    @TempDir
    Path dir;

    @Test
    void anEdgeOfflineDuring200DeltasOn10KeysCatchesUpWithOneDocAndOneApplyPerKey() throws Exception {
        BenchRun r = BenchRun.of(dir, "catchup-200x10", "catchup",
                "--deltas", "200", "--keys", "10", "--settle", "500", "--timeout", "120");
        JsonNode json = r.json();
        assertThat(json.path("scenario").asText()).isEqualTo("catchup");
        assertThat(json.path("machine").path("natsServer").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        assertThat(json.path("settings").path("site").asText()).isEqualTo("eu-site-0001");
        assertThat(json.path("settings").path("edgeTuningMs").path("heartbeat").asLong()).isPositive();
        assertThat(json.path("runs")).hasSize(1);
        assertRun(json.path("runs").get(0), 200, 10);

        String md = r.md();
        assertThat(md).contains("# Catch-up: one edge offline while K deltas on M keys are published",
                "| 200 | 10 |", "## The catch-up in detail", "## Publishing the K deltas").doesNotContain("**no**", "not converged");
        assertThat(r.stdout()).contains("\"scenario\" : \"catchup\"");
    }

    @Test
    void aMatrixWritesOneRowPerCombinationIntoOneFile() throws Exception {
        BenchRun r = BenchRun.of(dir, "catchup", "catchup",
                "--deltas", "40", "--keys", "4,40", "--publish-concurrency", "8", "--settle", "200", "--timeout", "120");
        JsonNode json = r.json();
        assertThat(json.path("settings").path("fileStem").asText()).isEqualTo("catchup");
        assertThat(json.path("runs")).hasSize(2);
        assertRun(json.path("runs").get(0), 40, 4);
        assertRun(json.path("runs").get(1), 40, 40);
        assertThat(r.md()).contains("| 40 | 4 |", "| 40 | 40 |");
    }

    /** One combination: published, mirrored, converged, one doc and one apply per key, traffic seen. */
    private static void assertRun(JsonNode run, int deltas, int keys) {
        String shape = deltas + "x" + keys;
        assertThat(run.path("deltas").asInt()).isEqualTo(deltas);
        assertThat(run.path("keys").asInt()).isEqualTo(keys);
        assertThat(run.path("complete").asBoolean()).as(shape + " " + run.path("problems")).isTrue();
        assertThat(run.path("problems")).isEmpty();

        JsonNode publish = run.path("publish");
        assertThat(publish.path("intents").asInt()).isEqualTo(deltas);
        assertThat(publish.path("unchanged").asInt()).isZero();
        // the initial publish took revisions 1..M; each delta is one more intent revision
        assertThat(publish.path("lastIntentRevision").asLong()).isEqualTo(keys + deltas);
        assertThat(publish.path("wallMs").asDouble()).isPositive();
        assertThat(publish.path("maxMs").asDouble()).isGreaterThanOrEqualTo(publish.path("p99Ms").asDouble())
                .isGreaterThanOrEqualTo(publish.path("p50Ms").asDouble());
        assertThat(publish.path("cpuMs").has("hub")).isTrue();
        assertThat(publish.path("hubJetStreamApiCalls").asLong()).as("the hub's KV work is counted").isPositive();

        assertThat(run.path("mirror").path("relayKeys").asInt()).isEqualTo(keys);
        assertThat(run.path("mirror").path("relayAppHead").asLong()).isPositive();

        JsonNode catchUp = run.path("catchUp");
        assertThat(catchUp.path("converged").asBoolean()).isTrue();
        assertThat(catchUp.path("convergedMs").asDouble()).isGreaterThanOrEqualTo(catchUp.path("firstApplyMs").asDouble())
                .isGreaterThanOrEqualTo(catchUp.path("startMs").asDouble()).isPositive();
        assertThat(catchUp.path("offlineMs").asDouble()).isGreaterThanOrEqualTo(publish.path("wallMs").asDouble());

        JsonNode sync = run.path("sync");
        assertThat(sync.path("syncs").asLong()).isEqualTo(1);
        assertThat(sync.path("fullSyncs").asLong()).isZero();
        assertThat(sync.path("docs").asLong()).as(shape + ": one doc per key").isEqualTo(keys);
        assertThat(sync.path("docsPerKey").asDouble()).isEqualTo(1.0);
        assertThat(sync.path("bytes").asLong()).isPositive();
        assertThat(sync.path("gaps").asLong()).isZero();
        assertThat(sync.path("liveDeltas").asLong()).isZero();

        JsonNode applies = run.path("applies");
        assertThat(applies.path("apps").asInt()).isEqualTo(keys);
        assertThat(applies.path("total").asInt()).isEqualTo(keys);
        assertThat(applies.path("min").asInt()).isEqualTo(1);
        assertThat(applies.path("max").asInt()).isEqualTo(1);
        assertThat(applies.path("removes").asInt()).isZero();
        assertThat(applies.path("notOnce")).isEmpty();

        JsonNode traffic = run.path("traffic");
        assertThat(traffic.path("relayToEdgeBytes").asLong()).as("the sync reply crossed the edge's connection")
                .isGreaterThanOrEqualTo(sync.path("bytes").asLong());
        assertThat(traffic.path("relayToEdgeMsgs").asLong()).isPositive();
        assertThat(traffic.path("edgeToRelayMsgs").asLong()).as("at least the sync request").isPositive();
        assertThat(run.path("cpuMs").has("bench-jvm")).isTrue();
    }
}
