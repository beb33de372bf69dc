package io.cascade.bench;

import static io.cascade.bench.BenchCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.launch.CommandMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code bench} command line as a user meets it: help and bad input, without starting servers. */
class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void helpListsTheScenarios() {
        BenchCli r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("raw-fanout");
        assertThat(run("raw-fanout", "--help").out()).contains("--edges", "--rounds", "--out");
    }

    @Test
    void tooManyEdgesIsRejectedWithTheLimit() {
        BenchCli r = run("raw-fanout", "--edges", "20000", "--out", dir.toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("--edges must be between 1 and 10000, got 20000").doesNotContain("at io.cascade");
    }

    @Test
    void badInputLeavesNoWorkDirBehindAndSaysNothingWasKept() throws Exception {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        for (String scenario : new String[] {"fanout", "memory"}) {
            long before = workDirs(tmp, scenario);
            BenchCli r = run(scenario, "--edges", "0", "--out", dir.toString());
            assertThat(r.exitCode()).as(scenario).isEqualTo(CommandMain.BAD_INPUT);
            assertThat(r.err()).contains("--edges must be between 1 and 10000, got 0").doesNotContain("kept in");
            assertThat(workDirs(tmp, scenario)).as(scenario).isEqualTo(before);
        }
    }

    private static long workDirs(Path tmp, String scenario) throws IOException {
        try (Stream<Path> dirs = Files.list(tmp)) {
            return dirs.filter(d -> d.getFileName().toString().startsWith("cascade-bench-" + scenario + "-")).count();
        }
    }

    @Test
    void zeroRoundsIsRejected() {
        BenchCli r = run("raw-fanout", "--rounds", "0", "--out", dir.toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("--rounds must be at least 1, got 0");
    }
}
