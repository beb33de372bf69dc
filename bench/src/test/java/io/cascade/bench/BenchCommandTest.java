package io.cascade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.launch.CommandMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code bench} command line as a user meets it: help and bad input, without starting servers. */
class BenchCommandTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = CommandMain.commandLine(new BenchCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void helpListsTheScenarios() {
        Run r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("raw-fanout");
        assertThat(run("raw-fanout", "--help").out()).contains("--edges", "--rounds", "--out");
    }

    @Test
    void tooManyEdgesIsRejectedWithTheLimit() {
        Run r = run("raw-fanout", "--edges", "20000", "--out", dir.toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("--edges must be between 1 and 10000, got 20000").doesNotContain("at io.cascade");
    }

    @Test
    void zeroRoundsIsRejected() {
        Run r = run("raw-fanout", "--rounds", "0", "--out", dir.toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("--rounds must be at least 1, got 0");
    }
}
