package io.cascade.edge.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.JournalStore;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.proto.SiteStatus;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Acknowledgements and the outbox gauge's source (sending needs a relay: the integration tests). */
class StatusReporterMetricsTest {

    @TempDir
    Path dir;

    @Test
    void anAckIsCountedAndTheOutboxIsPendingUntilItsLatestReportIsAcked() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            StatusReporter reporter = new StatusReporter("store-1", "eu", Map.of(), journal, null, Duration.ofSeconds(10),
                    new EdgeMetrics(registry));
            byte[] report = SiteStatus.newBuilder().setSite("store-1").setRegion("eu").build().toByteArray();
            long first = journal.appendOutbox(report);
            long second = journal.appendOutbox(report);

            reporter.acked(first);
            assertThat(reporter.awaitingAck()).isTrue();
            reporter.acked(second);

            assertThat(reporter.awaitingAck()).isFalse();
            assertThat(journal.latestOutbox()).isEmpty();
            assertThat(registry.get("cascade.edge.status.acked").counter().count()).isEqualTo(2);
        }
    }
}
