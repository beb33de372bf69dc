package io.cascade.bench.catchup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.Providers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The recorder in front of a simulated cluster: counts, waits, and leaves the cluster running when closed. */
class ApplyRecorderTest {

    private static AppDesired app(String app, long revision) {
        return new AppDesired(app, revision, "v" + revision, List.of(), "hash-" + app + "-" + revision);
    }

    @Test
    void countsAppliesPerAppAndWaitsForTheWantedRevisions() throws Exception {
        Provider cluster = Providers.fromSpec("sim:seed=1");
        ApplyRecorder recorder = new ApplyRecorder(cluster);
        Map<String, Long> wanted = Map.of("a", 3L, "b", 2L);
        assertThat(recorder.awaitLive(wanted, Duration.ofMillis(20))).isEmpty();
        assertThat(recorder.firstApplyNanos()).isEmpty();

        recorder.apply(app("a", 1));
        recorder.apply(app("b", 2));
        assertThat(recorder.liveCount(wanted)).isEqualTo(1);
        long before = System.nanoTime();
        CompletableFuture<OptionalLong> waiting = new CompletableFuture<>();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                waiting.complete(recorder.awaitLive(wanted, Duration.ofSeconds(10)));
            } catch (InterruptedException e) {
                waiting.completeExceptionally(e);
            }
        });
        // the last apply lands while the waiter is already waiting for it
        await().atMost(Duration.ofSeconds(10)).until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
        recorder.apply(app("a", 3));
        var live = waiting.get(10, TimeUnit.SECONDS);

        assertThat(live).isPresent();
        assertThat(live.getAsLong()).isGreaterThan(before);
        assertThat(recorder.firstApplyNanos().getAsLong()).isLessThan(before);
        assertThat(recorder.applies()).containsExactly(Map.entry("a", 2), Map.entry("b", 1));
        recorder.remove("b");
        assertThat(recorder.removes()).isEqualTo(1);
        assertThat(recorder.liveCount(wanted)).isEqualTo(1);
    }

    @Test
    void closingTheRecorderLeavesTheClusterAsItWas() throws Exception {
        Provider cluster = Providers.fromSpec("sim:seed=1");
        ApplyRecorder first = new ApplyRecorder(cluster);
        first.apply(app("a", 1));
        first.close();

        assertThat(cluster.appliedHash("a")).contains("hash-a-1");
        ApplyRecorder second = new ApplyRecorder(cluster);
        assertThat(second.applies()).isEmpty();
        assertThat(second.appliedHash("a")).contains("hash-a-1");
    }
}
