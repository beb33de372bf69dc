package io.cascade.hub.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.metrics.MetricsEndpoint;
import io.cascade.topology.metrics.ProcessRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

class HubMetricsTest {

    @Test
    void rolloutStepsAreCountedByActionAndWhom() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        HubMetrics metrics = new HubMetrics(registry);
        metrics.rolloutStep(HubMetrics.Action.ADVANCE, false);
        metrics.rolloutStep(HubMetrics.Action.ADVANCE, false);
        metrics.rolloutStep(HubMetrics.Action.ROLLBACK, true);
        metrics.relayTimeout("us");

        assertThat(registry.get("cascade.hub.rollout.steps").tags("action", "advance", "by", "controller").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("cascade.hub.rollout.steps").tags("action", "rollback", "by", "operator").counter().count())
                .isEqualTo(1);
        assertThat(registry.get("cascade.hub.listsites.relay.timeouts").tag("region", "us").counter().count()).isEqualTo(1);
    }

    @Test
    void theEndpointServesTheHubSeriesWithTheTier() throws Exception {
        try (ProcessRegistry meters = ProcessRegistry.open(ProcessRegistry.Tier.HUB, null);
             MetricsEndpoint endpoint = MetricsEndpoint.start(meters.registry(), "127.0.0.1", 0)) {
            HubMetrics metrics = new HubMetrics(meters.registry());
            metrics.published(false, 5_000_000L);
            metrics.publishRefused(true);
            metrics.rollupReceived("eu");
            metrics.watchStreams(() -> 2);

            HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + endpoint.port() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(scrape.statusCode()).isEqualTo(200);
            assertThat(scrape.body())
                    .contains("cascade_hub_intents_published_total{outcome=\"published\",tier=\"hub\"} 1.0")
                    .contains("cascade_hub_intents_published_total{outcome=\"invalid\",tier=\"hub\"} 1.0")
                    .contains("cascade_hub_intent_publish_duration_seconds_bucket")
                    .contains("cascade_hub_rollups_received_total{region=\"eu\",tier=\"hub\"} 1.0")
                    .contains("cascade_hub_watch_streams{tier=\"hub\"} 2.0");
        }
    }
}
