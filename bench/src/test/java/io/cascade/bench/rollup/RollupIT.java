package io.cascade.bench.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bench rollup} run small on real nats-servers: both variants measured, the hub's rollup
 * counted every site before the window, the flat hub took every report of every site, both files written.
 */
class RollupIT {

    static final int EDGES = 100;

    @TempDir
    Path dir;

    @Test
    void bothVariantsAreMeasuredWithEverySiteCounted() throws Exception {
        // a window over 10 s: a relay sends a rollup at least every 3 s
        BenchRun run = BenchRun.of(dir, "rollup-100", "rollup",
                "--edges", String.valueOf(EDGES), "--heartbeat", "1s", "--duration", "12s", "--settle", "2s");
        JsonNode json = run.json();
        assertThat(json.path("scenario").asText()).isEqualTo("rollup");
        assertThat(json.path("machine").path("natsServer").asText()).matches("\\d+\\.\\d+\\.\\d+.*");
        JsonNode settings = json.path("settings");
        assertThat(settings.path("edges").asInt()).isEqualTo(EDGES);
        assertThat(settings.path("heartbeatMs").asLong()).isEqualTo(1000);
        assertThat(settings.path("durationMs").asLong()).isEqualTo(12_000);
        assertThat(settings.path("settleMs").asLong()).isEqualTo(2000);
        assertThat(settings.path("edgesPerRegion").path("eu").asInt()).isEqualTo(50);
        assertThat(settings.path("edgesPerRegion").path("us").asInt()).isEqualTo(50);

        JsonNode messages = json.path("messages");
        assertThat(messages.path("sitesCaptured").asInt()).isEqualTo(EDGES);
        assertThat(messages.path("fullReportBytes").asDouble()).isGreaterThan(messages.path("heartbeatBytes").asDouble())
                .isPositive();

        JsonNode cascade = json.path("cascade");
        for (String when : new String[] {"before", "after"}) {
            assertThat(cascade.path(when).path("online").asInt()).as(when).isEqualTo(EDGES);
            assertThat(cascade.path(when).path("ready").asInt()).as(when).isEqualTo(EDGES);
        }
        assertThat(cascade.path("hubInbound").path("msgs").asLong()).isPositive();
        // with trust on, the hub cannot tell the relays' leafs apart by their JetStream interest (their leaf users
        // never let it up), so they are named by address: one per relay
        // by address, one per relay; each relay's system-account link is counted apart
        java.util.List<String> leafs = new java.util.ArrayList<>();
        java.util.List<String> systemLeafs = new java.util.ArrayList<>();
        cascade.path("hubInboundBySource").fieldNames().forEachRemaining(n -> {
            if (n.startsWith("leaf ")) {
                leafs.add(n);
            } else if (n.startsWith("system leaf ")) {
                systemLeafs.add(n);
            }
        });
        assertThat(leafs).as(cascade.path("hubInboundBySource").toString()).hasSize(2);
        assertThat(systemLeafs).as(cascade.path("hubInboundBySource").toString()).hasSize(2);
        assertThat(cascade.path("hubInboundBySource").has("client cascade-hub")).isTrue();
        assertThat(cascade.path("hubSubscriptions").asLong()).isPositive();
        long rollups = 0;
        for (String region : new String[] {"eu", "us"}) {
            JsonNode relay = cascade.path("relayInbound").path(region);
            assertThat(relay.path("total").path("msgs").asLong()).as(region).isPositive();
            assertThat(relay.path("fromEdges").path("msgs").asLong()).as(region).isPositive();
            assertThat(relay.path("bySource").has("client cascade-edge-*")).as(region).isTrue();
            assertThat(relay.path("bySource").has("leaf core")).as(region).isTrue();
            rollups += cascade.path("rollupsSent").path(region).asLong();
        }
        assertThat(rollups).isPositive();
        assertThat(cascade.path("cpuMs").has("hub")).isTrue();
        assertThat(cascade.path("cpuMs").has("relay-eu")).isTrue();
        assertThat(cascade.path("cpuMs").has("bench-jvm")).isTrue();

        JsonNode flat = json.path("flat");
        assertThat(flat.path("hubInbound").path("msgs").asLong()).isPositive();
        assertThat(flat.path("hubInboundBySource").path("client bench-flat-edge-*").path("msgs").asLong()).isPositive();
        assertThat(flat.path("subscriberReceived").path("msgs").asLong()).isPositive();
        assertThat(flat.path("sitesHeardInWindow").asInt()).isEqualTo(EDGES);
        assertThat(flat.path("sitesAllReceived").asInt()).isEqualTo(EDGES);
        assertThat(flat.path("reportsReceived").asLong()).isEqualTo(flat.path("reportsSent").asLong()).isPositive();
        assertThat(flat.path("rejected").asLong()).isZero();
        assertThat(flat.path("cpuMs").has("hub")).isTrue();

        JsonNode comparison = json.path("comparison");
        assertThat(comparison.has("msgsRatio")).isTrue();
        assertThat(comparison.has("bytesRatio")).isTrue();
        assertThat(comparison.path("targetRatio").asDouble()).isEqualTo(100.0);

        String md = run.md();
        assertThat(md).contains("# Status rollup vs flat, 100 edges", "| cascade |", "| flat |", "flat / cascade at the hub",
                "## Hub inbound by source", "## Relay inbound (cascade)", "## Checks");
        assertThat(run.stdout()).contains("\"scenario\" : \"rollup\"");
    }
}
