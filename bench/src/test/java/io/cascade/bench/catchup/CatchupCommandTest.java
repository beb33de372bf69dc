package io.cascade.bench.catchup;

import static io.cascade.bench.BenchCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.BenchCli;
import io.cascade.topology.launch.CommandMain;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench catchup} as a user meets it: listed, its options, bad input refused before any server starts. */
class CatchupCommandTest {

    @TempDir
    Path dir;

    @Test
    void listedWithItsOptions() {
        assertThat(run("--help").out()).contains("catchup");
        assertThat(run("catchup", "--help").out()).contains("--deltas", "--keys", "--publish-concurrency", "--pad-bytes",
                "--settle", "--out", "catchup-<K>x<M>.json");
    }

    @Test
    void fewerDeltasThanKeysIsRefused() {
        BenchCli r = run("catchup", "--deltas", "5", "--keys", "10", "--out", dir.toString(), "--work-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("every key needs at least one delta: --deltas 5 is fewer than --keys 10")
                .doesNotContain("at io.cascade");
    }
}
