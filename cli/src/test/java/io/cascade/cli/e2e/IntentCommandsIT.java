package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.launch.CommandMain;
import io.cascade.topology.testing.FabricExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code cascade publish -f}, {@code intents} and {@code withdraw} against a real hub and fleet. */
class IntentCommandsIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static FleetHarness fleet;
    static final Map<String, RecordingProvider> providers = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        fleet = new FleetHarness(FABRIC, site -> {
            RecordingProvider p = new RecordingProvider(io.cascade.edge.provider.Providers.fromSpec("sim"));
            providers.put(site, p);
            return p;
        });
        fleet.startEdge("gw-us-0001");
        fleet.startEdge("store-us-0001");
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    static FleetHarness.Run cascade(String... args) {
        return fleet.cascade(args);
    }

    @Test
    void publishListAndWithdrawAnIntentFromAYamlFile() throws Exception {
        Path file = FABRIC.newDir("intents").resolve("gateway.yaml");
        Files.writeString(file, """
                app: gateway-agent
                metadata: {description: agent for gateways}
                bundle:
                  version: "2.1.0"
                  resources:
                    - {kind: ConfigMap, name: agent, namespace: agent, manifest: "apiVersion: v1\\nkind: ConfigMap\\n"}
                target:
                  selector:
                    matchExpressions:
                      - {key: tier, operator: IN, values: [gateway]}
                """);
        FleetHarness.Run published = cascade("publish", "-f", file.toString());
        assertThat(published.exitCode()).as(published.err()).isZero();
        assertThat(published.out()).containsPattern("gateway-agent: published at intent revision \\d+");

        FleetHarness.Run again = cascade("publish", "-f", file.toString());
        assertThat(again.out()).contains("gateway-agent: unchanged at intent revision");

        await().atMost(Duration.ofSeconds(30)).until(() -> providers.get("gw-us-0001").applies("gateway-agent") == 1);
        assertThat(providers.get("store-us-0001").applies("gateway-agent")).isZero();

        FleetHarness.Run list = cascade("intents");
        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).containsPattern("gateway-agent +\\d+ +2\\.1\\.0 .*agent for gateways");

        FleetHarness.Run withdrawn = cascade("withdraw", "gateway-agent");
        assertThat(withdrawn.out()).containsPattern("gateway-agent: withdrawn at intent revision \\d+");
        await().atMost(Duration.ofSeconds(30)).until(() -> providers.get("gw-us-0001").removes("gateway-agent") == 1);
        assertThat(cascade("intents").out()).doesNotContain("gateway-agent");
    }

    @Test
    void operatorsPauseResumeAndRollBackARollout() {
        io.cascade.proto.RolloutPolicy slow = io.cascade.proto.RolloutPolicy.newBuilder()
                .addWaves(io.cascade.proto.Wave.newBuilder().setPercent(50)).addWaves(io.cascade.proto.Wave.newBuilder().setPercent(100))
                .setMinSoak(com.google.protobuf.Duration.newBuilder().setSeconds(3600)).build();
        fleet.publish(Intents.app("paced", "1", Map.of("tier", "store"), java.util.List.of("us")).build());
        fleet.publish(Intents.app("paced", "2", Map.of("tier", "store"), java.util.List.of("us")).setRollout(slow).build());

        assertThat(cascade("rollout", "pause", "paced").out()).isEqualTo("paced: PAUSED at wave 50%\n");
        FleetHarness.Run again = cascade("rollout", "pause", "paced");
        assertThat(again.exitCode()).isEqualTo(CommandMain.FAILED);
        assertThat(again.err()).contains("FAILED_PRECONDITION", "has no rollout running (it is PAUSED)");
        assertThat(cascade("rollout", "resume", "paced").out()).isEqualTo("paced: ROLLING_OUT at wave 50%\n");
        assertThat(cascade("rollout", "rollback", "paced").out()).isEqualTo("paced: STABLE at wave 100%\n");
        FleetHarness.Run nothing = cascade("rollout", "rollback", "paced");
        assertThat(nothing.err()).contains("has no candidate to roll back from");
    }

    @Test
    void anInvalidIntentIsRefusedWithTheHubsMessage() throws Exception {
        Path file = FABRIC.newDir("intents").resolve("bad.yaml");
        Files.writeString(file, """
                app: Bad_Name
                bundle: {version: "1"}
                """);
        FleetHarness.Run r = cascade("publish", "-f", file.toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("INVALID_ARGUMENT").contains("Bad_Name");

        Files.writeString(file, "app: x\nbundel: {}\n");
        FleetHarness.Run typo = cascade("publish", "-f", file.toString());
        assertThat(typo.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(typo.err()).contains("bundel");

        FleetHarness.Run unknown = cascade("withdraw", "never-published");
        assertThat(unknown.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(unknown.err()).contains("NOT_FOUND");
    }

    @Test
    void manyIntentsGoOutInOneCallFromFilesAndADirectory() throws Exception {
        Path dir = FABRIC.newDir("bulk");
        for (int i = 1; i <= 4; i++) {
            Files.writeString(dir.resolve(String.format("bulk-%02d.yaml", i)), bulkIntent("bulk-" + i));
        }
        Files.writeString(dir.resolve("README.txt"), "not an intent: skipped");
        Path single = FABRIC.newDir("bulk-single").resolve("extra.yml");
        Files.writeString(single, bulkIntent("bulk-extra"));

        FleetHarness.Run r = cascade("publish", "-f", dir.toString(), "-f", single.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out().lines().filter(l -> l.contains(": published at intent revision"))).hasSize(5);
        assertThat(r.out()).contains("bulk-1: published", "bulk-4: published", "bulk-extra: published", "5 intents sent");
        assertThat(r.out().indexOf("bulk-1:")).isLessThan(r.out().indexOf("bulk-2:"));
        assertThat(cascade("intents").out()).contains("bulk-1", "bulk-4", "bulk-extra");

        // one the hub refuses: the others still go out, the exit status and stderr say which
        Files.writeString(dir.resolve("bulk-03.yaml"), bulkIntent("Bulk_Bad"));
        Files.writeString(dir.resolve("bulk-04.yaml"), bulkIntent("bulk-4").replace("\"1\"", "\"2\""));
        FleetHarness.Run partly = cascade("publish", "-f", dir.toString());
        assertThat(partly.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(partly.err()).contains("Bulk_Bad", "INVALID_ARGUMENT", "1 of 4 intents refused: Bulk_Bad");
        assertThat(partly.out()).contains("bulk-1: unchanged", "bulk-4: published");

        // a file that does not parse, or one app twice: nothing is published
        Files.writeString(dir.resolve("bulk-03.yaml"), "app: bulk-3\nbundel: {}\n");
        Files.writeString(dir.resolve("bulk-05.yaml"), bulkIntent("bulk-5"));
        Files.writeString(dir.resolve("bulk-06.yaml"), bulkIntent("bulk-1"));
        FleetHarness.Run none = cascade("publish", "-f", dir.toString());
        assertThat(none.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(none.err()).contains("2 problems, nothing published", "bundel", "app bulk-1 is in both");
        assertThat(none.out()).isEmpty();
        assertThat(cascade("intents").out()).doesNotContain("bulk-5");
    }

    private static String bulkIntent(String app) {
        return "app: " + app + "\nbundle: {version: \"1\"}\ntarget:\n  selector: {matchLabels: {tier: store}}\n  regions: [us]\n";
    }
}
