package io.cascade.bench.footprint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench footprint} run small: one edge process with the edge's settings and the k8s provider against the mock
 * API server (the provider with the most moving parts), 2 deltas, and its twin with native memory tracking. Every
 * measure is read; the numbers are printed, not asserted.
 */
class FootprintIT {

    @TempDir
    Path dir;

    @Test
    void oneSiteProcessIsMeasuredIdleAndAfterDeltas() throws Exception {
        BenchRun run = BenchRun.of(dir, "footprint", "footprint", "--providers", "k8s", "--settings", "edge",
                "--deltas", "2", "--idle", "0");
        JsonNode json = run.json();
        assertThat(json.path("edgeJvmOptions")).isNotEmpty();
        assertThat(json.path("runs")).hasSize(1);
        JsonNode r = json.path("runs").get(0);
        assertThat(r.path("provider").asText()).isEqualTo("k8s");
        assertThat(r.path("jvmOptions")).isEqualTo(json.path("edgeJvmOptions"));
        assertThat(r.path("startToAckMs").asDouble()).isPositive();
        // the k8s site's archive comes from a k8s first start
        assertThat(r.path("firstStart").path("archiveBytes").asLong()).isPositive();
        assertThat(r.path("firstStart").path("startToAckMs").asDouble()).isPositive();
        for (String sample : new String[] {"idle", "afterDeltas"}) {
            JsonNode s = r.path(sample);
            assertThat(s.path("rssAnonKb").asLong()).as(sample).isPositive();
            assertThat(s.path("rssFileKb").asLong()).as(sample).isPositive();
            // VmRSS = RssAnon + RssFile + RssShmem
            assertThat(s.path("rssKb").asLong()).as(sample).isGreaterThanOrEqualTo(s.path("rssAnonKb").asLong() + s.path("rssFileKb").asLong());
            assertThat(s.path("heapUsedKb").asLong()).as(sample).isPositive();
            assertThat(s.path("threads").asInt()).as(sample).isPositive();
            assertThat(s.path("threadNames").path("edge-timers").asInt()).as(sample).isEqualTo(1);
            assertThat(s.path("openFiles").asInt()).as(sample).isPositive();
            // RocksDB's library comes from lib/native: nothing copied to the temp dir
            assertThat(s.path("tempDirKb").asLong()).as(sample).isZero();
            JsonNode classes = s.path("classes");
            // the edge's settings map the JDK's archive and the edge's own; fabric8's classes, from their own loader, are not in it
            assertThat(classes.path("loaded").asInt()).as(sample).isGreaterThan(1000);
            assertThat(classes.path("shared").asInt()).as(sample).isPositive().isLessThan(classes.path("loaded").asInt());
            assertThat(classes.path("packages")).as(sample).hasSize(ClassCensus.TOP);
            // fabric8's classes too: with an archive from a sim start, about half the k8s site's classes came from it
            assertThat(classes.path("shared").asInt()).as(sample).isGreaterThan(classes.path("loaded").asInt() * 8 / 10);
            JsonNode mappings = s.path("rssKbByMapping");
            assertThat(mappings.path("Java heap").asLong()).as(sample).isPositive();
            assertThat(mappings.path("libjvm.so").asLong()).as(sample).isPositive();
            assertThat(mappings.path("librocksdbjni").asLong()).as(sample).isPositive();
            assertThat(mappings.path("class-data archives (.jsa)").asLong()).as(sample).isPositive();
            long mapped = 0;
            for (JsonNode kb : mappings) {
                mapped += kb.asLong();
            }
            // smaps and status are read moments apart: the same resident set within 2 MB
            assertThat(mapped).as(sample).isCloseTo(s.path("rssKb").asLong(), org.assertj.core.data.Offset.offset(2048L));
        }
        assertThat(r.path("cpuMsPerDeltaByThread")).isNotEmpty();
        assertThat(r.path("nmtIdle").path("Total").asLong()).isPositive();
        assertThat(r.path("nmtIdle").path("Java Heap").asLong()).isPositive();
        assertThat(r.path("nmtAfterDeltas").path("Metaspace").asLong()).isPositive();
        assertThat(r.path("nmtIdle").path("Shared class space").asLong()).isPositive();
        assertThat(run.md()).contains("# Footprint of one edge site per JVM", "| k8s | edge |", "Native memory by category",
                "Where the resident memory is", "CPU per delta by thread", "Classes the JVM holds");
        System.out.println(run.md());
    }
}
