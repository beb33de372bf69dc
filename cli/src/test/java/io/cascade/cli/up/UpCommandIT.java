package io.cascade.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cascade up} as a user runs it: the packaged jar brings up hub, 2 relays and 6 edges, shows
 * a message crossing hub → relay → edge and back for every site, and Ctrl-C (SIGINT to the launcher
 * alone, the harder case) leaves no process of it behind.
 */
class UpCommandIT {

    static final List<String> SITES = List.of("store-eu-0001", "store-eu-0002", "gw-eu-0001",
            "store-us-0001", "store-us-0002", "gw-us-0001");

    @TempDir
    Path work;

    @Test
    void upHaStartsThreeHubServersAndTwoHubServicesAndTheDemoRollsOut() throws Exception {
        Path jar = Path.of("target/cascade.jar").toAbsolutePath();
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process up = new ProcessBuilder(java, "-jar", jar.toString(), "up", "--ha", "--once", "--timeout", "90s")
                .directory(work.toFile()).redirectErrorStream(true).start();
        String output;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
            output = String.join("\n", r.lines().toList());
        }
        assertThat(up.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(up.exitValue()).as(output).isZero();
        assertThat(output).contains("fleet demo: HA hub (3 servers, 2 services), 2 relay(s), 6 edge site(s)");
        for (int node = 1; node <= 3; node++) {
            assertThat(output).containsPattern("nats-server demo-hub-" + node + " +nats://127\\.0\\.0\\.1:\\d+ \\(pid \\d+");
        }
        assertThat(output).containsPattern("services: hub \\(pid \\d+\\), hub-2 \\(pid \\d+\\), relay-eu \\(pid \\d+\\), relay-eu-2 \\(pid \\d+\\)");
        assertThat(output).contains("each region: 3 relay servers, 2 relay services");
        for (String region : List.of("eu", "us")) {
            for (int node = 1; node <= 3; node++) {
                assertThat(output).containsPattern("nats-server demo-relay-" + region + "-" + node + " +tls://127\\.0\\.0\\.1:\\d+ \\(pid \\d+");
            }
        }
        assertThat(output).contains("the hub's rollup counts 4/4 sites ready")
                .containsPattern("the other hub service replica\\(s\\) serve the same API at 127\\.0\\.0\\.1:\\d+");
        String hubNode = Files.readString(work.resolve(".cascade/up/servers/hub-2/nats.conf"));
        assertThat(hubNode).contains("cluster {", "  tls {");
        assertThat(Files.readString(work.resolve(".cascade/up/logs/hub.log")) + Files.readString(work.resolve(".cascade/up/logs/hub-2.log")))
                .contains("holds the lease");
    }

    @Test
    void bringsUpTheDemoFleetShowsEveryTierAnsweringAndCtrlCLeavesNothingBehind() throws Exception {
        Path jar = Path.of("target/cascade.jar").toAbsolutePath();
        assertThat(jar).exists();
        String java = ProcessHandle.current().info().command().orElseThrow();
        // the default work dir, .cascade/up, relative to where the user runs it
        Process up = new ProcessBuilder(java, "-jar", jar.toString(), "up").directory(work.toFile())
                .redirectErrorStream(true).start();
        List<String> lines = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> running = new CompletableFuture<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(up.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    lines.add(line);
                    if (line.startsWith("running;")) {
                        running.complete(null);
                    }
                }
            } catch (Exception e) {
                running.completeExceptionally(e);
            }
            running.completeExceptionally(new AssertionError("launcher ended before running:\n" + String.join("\n", lines)));
        });
        List<ProcessHandle> descendants;
        try {
            running.get(90, TimeUnit.SECONDS);
            descendants = up.toHandle().descendants().toList();
        } catch (Exception e) {
            up.destroyForcibly();
            throw new AssertionError("fleet did not come up:\n" + String.join("\n", lines), e);
        }
        String output = String.join("\n", lines);
        assertThat(output).contains("fleet demo: hub, 2 relay(s), 6 edge site(s)");
        assertThat(output).containsPattern("hub +\\d+\\.\\d+ ms +\\(HUB");
        assertThat(output).contains("hub → relay eu → hub", "hub → relay us → hub");
        for (String site : SITES) {
            assertThat(output).containsPattern("edge " + site + " → relay → hub +\\d+\\.\\d+ ms +\\(EDGE edge " + site + "\\)");
        }
        assertThat(output).containsPattern("published intent storefront 1\\.0\\.0 \\(intent revision \\d+, .*\\) for 4 site\\(s\\) matching tier=store");
        for (String site : List.of("store-eu-0001", "store-eu-0002", "store-us-0001", "store-us-0002")) {
            assertThat(output).containsPattern("edge " + site + " +applied storefront 1\\.0\\.0 ");
        }
        assertThat(output).doesNotContain("edge gw-eu-0001    applied", "edge gw-us-0001    applied");
        assertThat(output).contains("the hub's rollup counts 4/4 sites ready")
                .containsPattern("storefront +STABLE +\\d+ +100% +4 +4 ");
        assertThat(Files.readString(work.resolve(".cascade/up/sites/store-eu-0001/storefront/configmap_storefront_storefront.yaml")))
                .contains("greeting: \"Guten Tag\"");
        // 3 nats-servers + hub + 2 relays + 2 edge hosts
        assertThat(descendants.stream().filter(p -> p.parent().map(pp -> pp.pid() == up.pid()).orElse(false)))
                .hasSize(8);
        assertThat(Files.readString(work.resolve(".cascade/up/logs/edges-eu.log"))).contains("3 edge(s) running");
        // the dashboard, at the address printed, over TLS with the fleet CA printed beside it
        Matcher dashboard = Pattern.compile("dashboard: (https://\\S+/) \\(sign in with the credential in \\S+; the page is "
                + "served with a certificate of the fleet CA (\\S+),").matcher(output);
        assertThat(dashboard.find()).as(output).isTrue();
        HttpResponse<String> page = io.cascade.cli.e2e.Https.trusting(Path.of(dashboard.group(2))).send(
                HttpRequest.newBuilder(URI.create(dashboard.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>Cascade fleet</title>");

        // a relay service killed -9 is reported with its exit status and the end of its log, and started again
        Matcher relay = Pattern.compile("relay-eu \\(pid (\\d+)\\)").matcher(output);
        assertThat(relay.find()).as(output).isTrue();
        long relayPid = Long.parseLong(relay.group(1));
        new ProcessBuilder("kill", "-9", String.valueOf(relayPid)).start().waitFor();
        String restarted = "relay-eu restarted (pid ";
        await().atMost(Duration.ofSeconds(30))
                .until(() -> lines.stream().anyMatch(l -> l.startsWith(restarted)));
        String after = String.join("\n", lines);
        assertThat(after).contains("relay-eu (pid " + relayPid + ") exited with status 137 (signal 9) after ")
                .containsPattern("restarting relay-eu in \\d+\\.\\d s \\(restart 1\\)");
        long newPid = Long.parseLong(lines.stream().filter(l -> l.startsWith(restarted)).findFirst().orElseThrow()
                .substring(restarted.length()).replace(")", ""));
        assertThat(ProcessHandle.of(newPid).map(ProcessHandle::isAlive)).as("the restarted relay service").contains(true);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Files.readString(work.resolve(".cascade/up/logs/relay-eu.log")).split("relay of region eu running", -1).length == 3);
        descendants = up.toHandle().descendants().toList();
        int linesBeforeStop = lines.size();

        new ProcessBuilder("kill", "-INT", String.valueOf(up.pid())).start().waitFor();
        assertThat(up.waitFor(60, TimeUnit.SECONDS)).as("launcher exits after Ctrl-C").isTrue();
        reader.join(5000);
        for (ProcessHandle p : descendants) {
            p.onExit().get(30, TimeUnit.SECONDS);
            assertThat(p.isAlive()).as("process %d (%s) still alive", p.pid(), p.info().commandLine().orElse("?")).isFalse();
        }
        assertThat(String.join("\n", lines)).contains("stopped");
        assertThat(lines.subList(linesBeforeStop, lines.size())).as("nothing reported as exited or restarted while stopping")
                .noneMatch(l -> l.contains("exited with status") || l.contains("restarted"));
    }
}
