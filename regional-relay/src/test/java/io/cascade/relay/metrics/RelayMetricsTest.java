package io.cascade.relay.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.metrics.MetricsEndpoint;
import io.cascade.topology.metrics.ProcessRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RelayMetricsTest {

    @Test
    void functionCountersReadTheComponentsOwnCounts() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RelayMetrics metrics = new RelayMetrics(registry);
        AtomicLong answered = new AtomicLong();
        AtomicLong dropped = new AtomicLong();
        metrics.watchSync(answered::get, dropped::get, () -> 7);
        answered.addAndGet(5);
        dropped.incrementAndGet();
        System.gc(); // the holder keeps the sources alive

        assertThat(registry.get("cascade.relay.sync.requests").tag("outcome", "answered").functionCounter().count()).isEqualTo(5);
        assertThat(registry.get("cascade.relay.sync.requests").tag("outcome", "dropped").functionCounter().count()).isEqualTo(1);
        assertThat(registry.get("cascade.relay.sync.queue.depth").gauge().value()).isEqualTo(7);
    }

    @Test
    void siteGaugesHaveNoValueUntilTheRegistryIsLoadedNeverAFalseZero() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.util.concurrent.atomic.AtomicBoolean loaded = new java.util.concurrent.atomic.AtomicBoolean();
        new RelayMetrics(registry).watchSites(loaded::get, () -> 0, () -> 0);
        assertThat(registry.get("cascade.relay.sites").tag("state", "online").gauge().value()).as("restarting").isNaN();
        assertThat(registry.get("cascade.relay.sites").tag("state", "offline").gauge().value()).isNaN();
        loaded.set(true);
        assertThat(registry.get("cascade.relay.sites").tag("state", "online").gauge().value()).isZero();
    }

    @Test
    void hubReachableFollowsTheRollups() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        java.util.concurrent.atomic.AtomicInteger reachable = new java.util.concurrent.atomic.AtomicInteger(1);
        new RelayMetrics(registry).watchRollups(() -> 3, () -> 0, reachable::get, () -> 1);
        assertThat(registry.get("cascade.relay.hub.reachable").gauge().value()).isEqualTo(1);
        reachable.set(0);
        assertThat(registry.get("cascade.relay.hub.reachable").gauge().value()).isZero();
    }

    @Test
    void theEndpointServesTheRelaySeriesWithTierAndRegion() throws Exception {
        try (ProcessRegistry meters = ProcessRegistry.open(ProcessRegistry.Tier.RELAY, "eu");
             MetricsEndpoint endpoint = MetricsEndpoint.start(meters.registry(), "127.0.0.1", 0)) {
            RelayMetrics metrics = new RelayMetrics(meters.registry());
            AtomicLong deltas = new AtomicLong(3);
            metrics.watchFanout(deltas::get, () -> 0, () -> 12);
            metrics.syncReply(4, 1_000);
            metrics.rollupLag(250_000_000L);

            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains("cascade_relay_deltas_published_total{region=\"eu\",tier=\"relay\"} 3.0")
                    .contains("cascade_relay_view_keys{region=\"eu\",tier=\"relay\"} 12.0")
                    .contains("cascade_relay_sync_reply_bytes_count{region=\"eu\",tier=\"relay\"} 1")
                    .contains("cascade_relay_rollup_lag_seconds_bucket");
        }
    }
}
