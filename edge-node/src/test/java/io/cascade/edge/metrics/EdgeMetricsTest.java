package io.cascade.edge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The process-wide holder: gauges summed over sites, no per-site series, the delta clock. */
class EdgeMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);

    @Test
    void inboxAndOutboxGaugesSumOverTheWatchedSites() {
        AtomicInteger inboxA = new AtomicInteger(2);
        AtomicBoolean pendingA = new AtomicBoolean(true);
        Runnable unwatchA = metrics.watchSite(inboxA::get, pendingA::get);
        metrics.watchSite(() -> 3, () -> false);

        assertThat(gauge("cascade.edge.inbox.depth")).isEqualTo(5);
        assertThat(gauge("cascade.edge.outbox.pending")).isEqualTo(1);
        assertThat(gauge("cascade.edge.sites")).isEqualTo(2);

        inboxA.set(7);
        pendingA.set(false);
        assertThat(gauge("cascade.edge.inbox.depth")).isEqualTo(10);
        assertThat(gauge("cascade.edge.outbox.pending")).isZero();

        unwatchA.run();
        assertThat(gauge("cascade.edge.inbox.depth")).isEqualTo(3);
        assertThat(gauge("cascade.edge.sites")).isEqualTo(1);
    }

    @Test
    void syncsAreCountedByReasonAndOutcome() {
        metrics.sync("gap", true);
        metrics.sync("gap", true);
        metrics.sync("retry", false);
        metrics.syncReply(12, 4_096);

        assertThat(registry.get("cascade.edge.syncs").tags("reason", "gap", "outcome", "ok").counter().count()).isEqualTo(2);
        assertThat(registry.get("cascade.edge.syncs").tags("reason", "retry", "outcome", "failed").counter().count()).isEqualTo(1);
        assertThat(registry.get("cascade.edge.sync.entries").summary().totalAmount()).isEqualTo(12);
        assertThat(registry.get("cascade.edge.sync.reply").summary().totalAmount()).isEqualTo(4_096);
    }

    @Test
    void aFailedAppKeepsItsArrivalAndAnAppNotAppliedIsForgotten() {
        DeltaLatency latency = metrics.newDeltaLatency();
        long arrived = System.nanoTime();
        latency.journaled("eu.app.web", arrived);
        latency.journaled("eu.site.store-1.db", arrived);

        latency.settled(List.of(), List.of("web"));
        latency.settled(List.of("web", "db"), List.of());
        latency.settled(List.of("web"), List.of());

        assertThat(registry.get("cascade.edge.delta.to.applied").timer().count()).isEqualTo(1);
    }

    @Test
    void noSeriesPerSiteAndPrometheusNamesAsDocumented() {
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            EdgeMetrics edge = new EdgeMetrics(prometheus);
            edge.watchSite(() -> 1, () -> true);
            edge.applied(1_000_000, true);
            edge.sync("start", true);
            edge.syncReply(3, 300);

            assertThat(prometheus.getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("site")).isNull());
            assertThat(prometheus.scrape()).contains(
                    "cascade_edge_deltas_received_total 0.0",
                    "cascade_edge_applies_total{outcome=\"ok\"} 1.0",
                    "cascade_edge_apply_duration_seconds_bucket{le=",
                    "cascade_edge_delta_to_applied_seconds_count 0",
                    "cascade_edge_syncs_total{outcome=\"ok\",reason=\"start\"} 1.0",
                    "cascade_edge_sync_entries_sum 3.0",
                    "cascade_edge_sync_reply_bytes_sum 300.0",
                    "cascade_edge_status_sent_total{kind=\"heartbeat\"} 0.0",
                    "cascade_edge_inbox_depth 1.0",
                    "cascade_edge_outbox_pending_sites 1.0",
                    "cascade_edge_sites 1.0");
        } finally {
            prometheus.close();
        }
    }

    private double gauge(String name) {
        return registry.get(name).gauge().value();
    }
}
