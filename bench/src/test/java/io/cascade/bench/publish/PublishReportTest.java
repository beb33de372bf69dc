package io.cascade.bench.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.CpuTimes;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.publish.PublishClients.Outcome;
import io.cascade.bench.publish.PublishClients.Published;
import io.cascade.bench.publish.PublishReport.Level;
import io.cascade.bench.publish.PublishReport.Sample;
import io.cascade.bench.publish.PublishReport.Verification;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishReportTest {

    private static final MachineFacts MACHINE = new MachineFacts(2, "test cpu", 1024, "Linux", "25", "vendor", 512,
            "20000", "2.9.10");
    private static final PublishReport.Settings SETTINGS = new PublishReport.Settings(List.of(1, 4), 4, 2, 0, 4, 2,
            List.of("eu", "us"), 1261, 30_000, PublishBench.CONNECTIONS);

    private static Outcome<Sample> outcome(long[] latencyNanos, Map<String, Integer> errors, int unchanged) {
        Sample before = new Sample(cpu(0, 0),
                new HubState.Snapshot(10, 20, 0, 1, 100));
        Sample after = new Sample(cpu(40_000_000L, 80_000_000L),
                new HubState.Snapshot(14, 28, 0, 9, 116));
        return new Outcome<>(200_000_000L, latencyNanos, errors, errors.isEmpty() ? null : "app-1 v.3: DEADLINE_EXCEEDED",
                unchanged, Map.of("app-0", new Published(13, "v.2"), "app-1", new Published(14, "v.3")), before, after);
    }

    /** Hub first, bench JVM last, as {@link CpuTimes#of} orders them. */
    private static CpuTimes cpu(long hubNanos, long jvmNanos) {
        Map<String, Long> nanos = new LinkedHashMap<>();
        nanos.put("hub", hubNanos);
        nanos.put(CpuTimes.BENCH_JVM, jvmNanos);
        return new CpuTimes(nanos);
    }

    private static Verification verified() {
        return Verification.of(2, 2, 4, 4, 4, 8, 8, List.of());
    }

    @Test
    void aLevelCountsThroughputLatencyCpuAndTheHubsJetStreamWork() {
        Level l = Level.of(4, 4, outcome(new long[] {10_000_000, 20_000_000, 30_000_000, 40_000_000}, Map.of(), 0),
                verified());
        assertThat(l.complete()).isTrue();
        assertThat(l.succeeded()).isEqualTo(4);
        assertThat(l.wallMs()).isEqualTo(200.0);
        assertThat(l.publishesPerSecond()).isEqualTo(20.0);
        assertThat(l.latencyMs().p50()).isEqualTo(20.0);
        assertThat(l.latencyMs().p90()).isEqualTo(40.0);
        assertThat(l.latencyMs().max()).isEqualTo(40.0);
        assertThat(l.latencyMs().mean()).isEqualTo(25.0);
        assertThat(l.cpuMs()).containsEntry("hub", 40.0).containsEntry("bench-jvm", 80.0);
        assertThat(l.cpuMsPerPublish()).containsEntry("hub", 10.0).containsEntry("bench-jvm", 20.0);
        assertThat(l.hubJetStream().apiRequestsPerPublish()).isEqualTo(4.0);
        assertThat(l.hubJetStream().desiredConsumersBefore()).isEqualTo(1);
        assertThat(l.hubJetStream().desiredConsumersAfter()).isEqualTo(9);
    }

    @Test
    void failedOrUnchangedPublishesOrAStateMismatchMakeTheRunIncomplete() {
        long[] three = {10_000_000, 20_000_000, 30_000_000};
        Level failed = Level.of(4, 4, outcome(three, Map.of("DEADLINE_EXCEEDED", 1), 0), verified());
        Level unchanged = Level.of(4, 4, outcome(new long[] {1, 2, 3, 4}, Map.of(), 1), verified());
        Level mismatch = Level.of(4, 4, outcome(new long[] {1, 2, 3, 4}, Map.of(), 0),
                Verification.of(2, 1, 4, 4, 4, 8, 8, List.of("ListIntents does not list app-1")));
        assertThat(failed.complete()).isFalse();
        assertThat(failed.why()).contains("1 of 4 publishes failed {DEADLINE_EXCEEDED=1}", "DEADLINE_EXCEEDED");
        assertThat(unchanged.complete()).isFalse();
        assertThat(unchanged.why()).contains("1 publishes were answered unchanged");
        assertThat(mismatch.complete()).isFalse();
        assertThat(mismatch.why()).contains("1 state mismatches, first: ListIntents does not list app-1");

        PublishReport report = new PublishReport(PublishReport.SCENARIO, "now", MACHINE, SETTINGS, null,
                List.of(Level.of(1, 4, outcome(new long[] {1, 2, 3, 4}, Map.of(), 0), verified()), failed));
        assertThat(report.complete()).isFalse();
        assertThat(report.incompleteReason()).startsWith("4 clients: 1 of 4 publishes failed");
        assertThat(report.markdown()).contains("| 4 | 4 | 3 |", "DEADLINE_EXCEEDED 1", "**incomplete**", "**Incomplete:**");
    }

    @Test
    void theMarkdownHasALinePerLevelInEachTable() {
        Level one = Level.of(1, 4, outcome(new long[] {1_000_000, 2_000_000, 3_000_000, 4_000_000}, Map.of(), 0), verified());
        PublishReport report = new PublishReport(PublishReport.SCENARIO, "now", MACHINE, SETTINGS, one, List.of(one));
        assertThat(report.complete()).isTrue();
        assertThat(report.fileStem()).isEqualTo("publish-4");
        assertThat(report.markdown()).contains("# Publish, 4 publishes per level over 2 apps",
                "| 1 | 4 | 4 | 200.0 ms | 20.0 | 2.0 ms | 4.0 ms | 4.0 ms | 4.0 ms | 0 | 40.0 ms | 80.0 ms | verified |",
                "| 1 | 10.00 ms | 20.00 ms | 4.0 | 1 → 9 |", "| 1 | 2 | 2 | 4 | 4 (4) | 8 (8) | 0 |")
                .doesNotContain("Incomplete");
    }
}
