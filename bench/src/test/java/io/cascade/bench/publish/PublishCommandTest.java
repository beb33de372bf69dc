package io.cascade.bench.publish;

import static io.cascade.bench.BenchCli.run;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.BenchCli;
import io.cascade.topology.launch.CommandMain;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench publish} help and bad input, without starting servers. */
class PublishCommandTest {

    @TempDir
    Path dir;

    @Test
    void benchListsPublishAndItsHelpNamesTheOptions() {
        assertThat(run("--help").out()).contains("publish");
        assertThat(run("publish", "--help").out()).contains("--clients", "--publishes", "--apps", "--warmup", "--out");
    }

    @Test
    void badShapesAreRejectedBeforeAnythingStarts() {
        BenchCli zeroClients = run("publish", "--clients", "1,0", "--out", dir.toString());
        assertThat(zeroClients.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(zeroClients.err()).contains("--clients must list concurrency levels of at least 1, got [1, 0]");
        BenchCli tooManyApps = run("publish", "--apps", "10001", "--out", dir.toString());
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
