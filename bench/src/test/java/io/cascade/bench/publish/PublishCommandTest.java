package io.cascade.bench.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.BenchCommand;
import io.cascade.topology.launch.CommandMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code bench publish} help and bad input, without starting servers. */
class PublishCommandTest {

    @TempDir
    Path dir;

    private record Run(int exitCode, String out, String err) {}

    private static Run run(String... args) {
        CommandLine cli = CommandMain.commandLine(new BenchCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new Run(cli.execute(args), out.toString(), err.toString());
    }

    @Test
    void benchListsPublishAndItsHelpNamesTheOptions() {
        assertThat(run("--help").out()).contains("publish");
        assertThat(run("publish", "--help").out()).contains("--clients", "--publishes", "--apps", "--warmup", "--out");
    }

    @Test
    void badShapesAreRejectedBeforeAnythingStarts() {
        Run zeroClients = run("publish", "--clients", "1,0", "--out", dir.toString());
        assertThat(zeroClients.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(zeroClients.err()).contains("--clients must list concurrency levels of at least 1, got [1, 0]");
        Run tooManyApps = run("publish", "--apps", "10001", "--out", dir.toString());
        assertThat(tooManyApps.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(tooManyApps.err()).contains("--apps must be between 1 and 10000, got 10001");
        assertThat(run("publish", "--publishes", "0", "--out", dir.toString()).err())
                .contains("--publishes must be at least 1, got 0");
    }

    @Test
    void appsAreDnsLabelsAndTheWarmupRunsAtTheHighestConcurrency() {
        PublishSettings s = new PublishSettings(java.util.List.of(8, 1, 32), 10, 3, 5, 2, 0, java.time.Duration.ofSeconds(1));
        assertThat(s.appNames()).containsExactly("bench-app-0000", "bench-app-0001", "bench-app-0002");
        assertThat(s.warmupClients()).isEqualTo(32);
    }
}
