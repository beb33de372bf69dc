package io.cascade.bench.rollup;

import static io.cascade.bench.BenchCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.BenchCli;
import io.cascade.topology.launch.CommandMain;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench rollup}'s command line and its pure parts, without starting servers. */
class RollupCommandTest {

    @TempDir
    Path dir;

    @Test
    void helpShowsTheOptions() {
        assertThat(run("--help").out()).contains("rollup");
        assertThat(run("rollup", "--help").out()).contains("--edges", "--heartbeat", "--duration", "--settle", "--out");
    }

    @Test
    void badShapesAreRejectedWithTheReason() {
        BenchCli edges = run("rollup", "--edges", "20000", "--out", dir.toString());
        assertThat(edges.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(edges.err()).contains("--edges must be between 1 and 10000, got 20000").doesNotContain("at io.cascade");

        BenchCli heartbeat = run("rollup", "--heartbeat", "500ms", "--out", dir.toString());
        assertThat(heartbeat.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(heartbeat.err()).contains("--heartbeat must be between 1s and 10m");

        BenchCli duration = run("rollup", "--duration", "soon", "--out", dir.toString());
        assertThat(duration.exitCode()).isNotZero();
        assertThat(duration.err()).contains("expected a duration such as 500ms, 60s, 2m, 12h or 30d");
    }

    @Test
    void connectionNamesGroupPerKindOfEdge() {
        assertThat(ServerCounters.group("cascade-edge-eu-site-00001")).isEqualTo("cascade-edge-*");
        assertThat(ServerCounters.group(FlatEdges.NAME_PREFIX + "us-site-00042")).isEqualTo("bench-flat-edge-*");
        assertThat(ServerCounters.group("cascade-hub")).isEqualTo("cascade-hub");
        assertThat(ServerCounters.group("")).isEqualTo("(unnamed)");
    }

    @Test
    void theRatioIsFlatOverCascadeAndZeroWhenCascadeTookNothing() {
        Traffic cascade = Traffic.of(6, 300, 30);
        Traffic flat = Traffic.of(30_000, 2_100_000, 30);
        RollupReport.Comparison c = RollupReport.Comparison.of(flat, cascade);
        assertThat(c.msgsRatio()).isEqualTo(5000.0);
        assertThat(c.bytesRatio()).isEqualTo(7000.0);
        assertThat(c.targetMet()).isTrue();
        assertThat(RollupReport.Comparison.of(flat, Traffic.NONE).msgsRatio()).isZero();
        assertThat(RollupReport.Comparison.of(Traffic.of(10, 10, 1), Traffic.of(1, 1, 1)).targetMet()).isFalse();
    }
}
