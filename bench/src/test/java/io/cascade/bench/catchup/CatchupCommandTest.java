package io.cascade.bench.catchup;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.BenchCommand;
import io.cascade.topology.launch.CommandMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench catchup} as a user meets it: listed, its options, bad input refused before any server starts. */
class CatchupCommandTest {

    @TempDir
    Path dir;

    /** What one {@code cascade bench ...} command line did. */
    record Run(int exitCode, String out, String err) {}

    /** Runs {@code cascade bench args...} in this JVM, capturing both streams. */
    static Run run(String... args) {
        CommandLine cli = CommandMain.commandLine(new BenchCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void listedWithItsOptions() {
        assertThat(run("--help").out()).contains("catchup");
        assertThat(run("catchup", "--help").out()).contains("--deltas", "--keys", "--publish-concurrency", "--pad-bytes",
                "--settle", "--out", "catchup-<K>x<M>.json");
    }

    @Test
    void fewerDeltasThanKeysIsRefused() {
        Run r = run("catchup", "--deltas", "5", "--keys", "10", "--out", dir.toString(), "--work-dir", dir.toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("every key needs at least one delta: --deltas 5 is fewer than --keys 10")
                .doesNotContain("at io.cascade");
    }
}
