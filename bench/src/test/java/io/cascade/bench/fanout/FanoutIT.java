package io.cascade.bench.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cascade.bench.BenchCli;
import io.cascade.bench.BenchRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench fanout} run small on real nats-servers: raw and Cascade rounds, every site applied, the hub counted all. */
class FanoutIT {

    @TempDir
    Path dir;

    @Test
    void everyEdgeAppliesEveryRoundsRevisionAndTheHubCountsThemAll() throws Exception {
        BenchRun run = BenchRun.of(dir, "fanout-60", "fanout", "--edges", "60", "--rounds", "2", "--warmup", "1");
        JsonNode json = run.json();
        assertThat(json.path("scenario").asText()).isEqualTo("fanout");
        assertThat(json.path("settings").path("edges").asInt()).isEqualTo(60);
        assertThat(json.path("settings").path("edgesPerRelay").path("eu").asInt()).isEqualTo(30);
        assertThat(json.path("settings").path("edgesPerRelay").path("us").asInt()).isEqualTo(30);
        assertThat(json.path("raw").path("summary").path("complete").asBoolean()).isTrue();
        assertThat(json.path("raw").path("rounds")).hasSize(2);

        JsonNode rounds = json.path("rounds");
        assertThat(rounds).hasSize(2);
        long previous = 0;
        for (JsonNode r : rounds) {
            assertThat(r.path("applied").asInt()).as("round %s", r.path("round")).isEqualTo(60);
            assertThat(r.path("missing").asInt()).isZero();
            // each round is a new revision of the same app, after the warm-up's
            assertThat(r.path("intentRevision").asLong()).isGreaterThan(previous).isGreaterThan(1);
            previous = r.path("intentRevision").asLong();
            assertThat(r.path("lastMs").asDouble()).isGreaterThanOrEqualTo(r.path("p99Ms").asDouble())
                    .isGreaterThanOrEqualTo(r.path("p50Ms").asDouble())
                    .isGreaterThanOrEqualTo(r.path("firstMs").asDouble());
            assertThat(r.path("hubRollupMs").asDouble()).isPositive();
            // every site got the delta on its connection before it applied it
            assertThat(r.path("deliveredLastMs").asDouble()).isPositive()
                    .isLessThanOrEqualTo(r.path("lastMs").asDouble())
                    .isGreaterThanOrEqualTo(r.path("deliveredP99Ms").asDouble());
            assertThat(r.path("cpuMs").has("relay-eu")).isTrue();
        }
        assertThat(json.path("summary").path("complete").asBoolean()).isTrue();
        assertThat(json.path("ratios").path("last").asDouble()).isPositive();
        assertThat(json.path("setup").path("heapPerEdgeKb").asDouble()).isPositive();
        assertThat(json.path("setup").path("journalBytes").asLong()).isPositive();
        assertThat(json.path("settings").path("protection").path("auth").asBoolean()).isTrue();
        assertThat(json.path("settings").path("protection").path("tls").asBoolean()).isTrue();
        assertThat(json.path("setup").path("rawConnectMs").asDouble()).isPositive();
        assertThat(json.path("setup").path("rawConnectCpuMs").has("relay-eu")).isTrue();
        assertThat(json.path("setup").path("startCpuMs").path("bench-jvm").asDouble()).isPositive();
        assertThat(run.md()).contains("# Fan-out, 60 edges", "servers with auth on, TLS on", "| raw NATS, 1 msg on a shared subject |",
                "| Cascade, publish → applied |", "| ratio, applied / raw |",
                "| Cascade, publish → delta delivered to the site's connection |", "## Rounds");
    }

    /** The cost switch: the same run on servers without auth and TLS, anonymous plain-TCP clients throughout. */
    @Test
    void runsWithoutAuthAndTlsWhenAskedAndSaysSo() throws Exception {
        BenchRun run = BenchRun.of(dir, "fanout-20-auth-off-tls-off", "fanout", "--edges", "20", "--rounds", "1",
                "--warmup", "0", "--auth", "off", "--tls", "off");
        JsonNode json = run.json();
        assertThat(json.path("summary").path("complete").asBoolean()).isTrue();
        assertThat(json.path("rounds").get(0).path("applied").asInt()).isEqualTo(20);
        assertThat(json.path("settings").path("protection").path("auth").asBoolean()).isFalse();
        assertThat(json.path("settings").path("protection").path("tls").asBoolean()).isFalse();
        assertThat(run.md()).contains("servers with auth off, TLS off");
        // the servers really ran that way: no operator, no TLS, one anonymous leaf link per relay
        String relay = Files.readString(dir.resolve("work/fabric/relay-eu/nats.conf"));
        String hub = Files.readString(dir.resolve("work/fabric/hub/nats.conf"));
        assertThat(relay).doesNotContain("operator:", "tls {", "credentials:");
        assertThat(hub).doesNotContain("operator:", "tls {");
    }

    @Test
    void authOnTlsOffKeepsTheLoginsAndDropsTls() throws Exception {
        BenchRun run = BenchRun.of(dir, "fanout-20-tls-off", "fanout", "--edges", "20", "--rounds", "1",
                "--warmup", "0", "--tls", "off");
        assertThat(run.json().path("summary").path("complete").asBoolean()).isTrue();
        String relay = Files.readString(dir.resolve("work/fabric/relay-eu/nats.conf"));
        assertThat(relay).contains("operator:", "credentials:").doesNotContain("tls {");
    }

    @Test
    void tlsWithoutAuthIsRefusedBeforeAnythingStarts() {
        BenchCli cli = BenchCli.run("fanout", "--edges", "20", "--auth", "off", "--out", dir.resolve("results").toString());
        assertThat(cli.exitCode()).isNotZero();
        assertThat(cli.err()).contains("--auth on with --tls on");
    }
}
