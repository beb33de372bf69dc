package io.cascade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.launch.CommandMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code cascade} command line as a user meets it: help, bad input, rendered output. */
class CascadeCommandTest {

    @TempDir
    Path dir;

    record Run(int exitCode, String out, String err) {}

    static Run run(String... args) {
        CommandLine cli = CommandMain.commandLine(new Cascade());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void helpListsEverySubcommand() {
        Run r = run("--help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("up", "hub", "relay", "edge", "topology", "test");
    }

    @Test
    void aFleetFileWithAnErrorIsRejectedNamingTheField() throws Exception {
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, """
                regions:
                  - name: eu
                    sites: [{name: s1, labels: {tier: store}}]
                sites:
                  - {name: s2, region: asia}
                """);
        Run r = run("topology", "render", "--fleet", bad.toString(), "-o", dir.resolve("out").toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("sites[0].region: unknown region \"asia\"; the fleet has [eu]")
                .doesNotContain("at io.cascade");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    @Test
    void rendersNatsConfigsAndKubernetesManifests() throws Exception {
        Path out = dir.resolve("rendered");
        Path trust = dir.resolve("trust");
        Run none = run("topology", "render", "-o", out.toString(), "--trust-dir", trust.toString());
        assertThat(none.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(none.err()).contains("no trust root in", "cascade trust init --dir " + trust);
        assertThat(run("trust", "init", "--dir", trust.toString()).exitCode()).isZero();
        Run r = run("topology", "render", "-o", out.toString(), "--namespace", "shops", "--trust-dir", trust.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(out.resolve("hub.conf"))).contains("domain: \"core\"", "resolver_preload", "operator: ");
        assertThat(Files.readString(out.resolve("relay-eu.conf"))).contains("domain: \"region-eu\"",
                "credentials: \"" + out.toAbsolutePath().resolve("leaf-eu.creds"));
        assertThat(Files.getPosixFilePermissions(out.resolve("leaf-eu.creds")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(out.resolve("kubernetes.yaml")))
                .contains("kind: \"StatefulSet\"", "name: \"demo-relay-us\"", "namespace: \"shops\"");
        // each site's edge for its own cluster, with its credentials: 0600
        try (var edges = Files.list(out.resolve("edges"))) {
            assertThat(edges.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("store-eu-0001.yaml",
                    "store-eu-0002.yaml", "gw-eu-0001.yaml", "store-us-0001.yaml", "store-us-0002.yaml", "gw-us-0001.yaml");
        }
        assertThat(Files.getPosixFilePermissions(out.resolve("edges/gw-eu-0001.yaml")))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        assertThat(Files.readString(out.resolve("edges/store-us-0002.yaml"))).contains("kind: \"Deployment\"",
                "\"store-us-0002\"", "\"tls://demo-relay-us.shops.svc:4222\"", "-----BEGIN USER NKEY SEED-----");

        Run relays = run("topology", "render", "-o", out.toString(), "--trust-dir", trust.toString(),
                "--edge-relay", "eu=tls://relay-eu.shops.example:4222");
        assertThat(relays.exitCode()).as(relays.err()).isZero();
        assertThat(Files.readString(out.resolve("edges/store-eu-0001.yaml"))).contains("\"tls://relay-eu.shops.example:4222\"");
        assertThat(Files.readString(out.resolve("edges/store-us-0001.yaml"))).contains("\"tls://demo-relay-us.cascade.svc:4222\"");
        Run unknown = run("topology", "render", "-o", out.toString(), "--trust-dir", trust.toString(), "--edge-relay", "asia=tls://x:4222");
        assertThat(unknown.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(unknown.err()).contains("asia");
    }

    @Test
    void rendersClustersOfThreeWithHa() throws Exception {
        Path out = dir.resolve("rendered-ha");
        Path trust = dir.resolve("trust-ha");
        assertThat(run("trust", "init", "--dir", trust.toString()).exitCode()).isZero();
        Run r = run("topology", "render", "--ha", "-o", out.toString(), "--trust-dir", trust.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        for (String server : List.of("hub", "relay-eu", "relay-us")) {
            for (int node = 1; node <= 3; node++) {
                Path conf = out.resolve(server + "-" + node + ".conf");
                assertThat(Files.readString(conf)).as(conf.toString()).contains("cluster {", "routes: [", "nats-route://route:");
                assertThat(Files.getPosixFilePermissions(conf)).as("%s holds the route password", conf)
                        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
            }
        }
        String hub1 = Files.readString(out.resolve("hub-1.conf"));
        String relay = Files.readString(out.resolve("relay-eu-2.conf"));
        java.util.regex.Matcher leafs = java.util.regex.Pattern.compile("leafnodes \\{\\s+listen: \"[^\"]*\"").matcher(hub1);
        assertThat(leafs.find()).isTrue();
        assertThat(relay.split("nats-leaf://", -1)).as("two logins × three hub nodes: every relay node dials every hub node")
                .hasSize(7);
        assertThat(out.resolve("hub.conf")).doesNotExist();
        assertThat(Files.readString(out.resolve("kubernetes.yaml")))
                .contains("kind: \"PodDisruptionBudget\"", "podManagementPolicy: \"Parallel\"", "name: \"demo-relay-eu-cluster\"");
    }

    @Test
    void trustInitMakesPrivateKeysAndRefusesToOverwriteThem() throws Exception {
        Path trust = dir.resolve("t");
        Run first = run("trust", "init", "--dir", trust.toString());
        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.out()).contains("operator O", "account  A", "system   A",
                "operator.nk           SECRET, keep offline", "account.nk            SECRET, keep offline",
                "account-signing.nk    SECRET, online where credentials are issued");
        for (String f : new String[] {"operator.nk", "account.nk", "system.nk", "operator.jwt"}) {
            assertThat(Files.getPosixFilePermissions(trust.resolve(f))).as(f)
                    .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        }
        String operatorKey = Files.readString(trust.resolve("operator.nk"));
        Run again = run("trust", "init", "--dir", trust.toString());
        assertThat(again.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(again.err()).contains("refusing to overwrite").doesNotContain("\tat ");
        assertThat(Files.readString(trust.resolve("operator.nk"))).isEqualTo(operatorKey);
    }

    @Test
    void aTierWithABadCredsFileStopsAtOnceNamingTheFile() throws Exception {
        Path missing = dir.resolve("missing.creds");
        Path junk = Files.writeString(dir.resolve("junk.creds"), "not creds\n");
        for (String[] args : new String[][] {
                {"relay", "--region", "eu", "--nats", "nats://127.0.0.1:1", "--creds", missing.toString()},
                {"hub", "--nats", "nats://127.0.0.1:1", "--creds", junk.toString(), "--tls-cert", "x.crt", "--tls-key", "x.key",
                        "--client-ca", "ca.crt", "--api-key", "api.pub"},
                {"edge", "--site", "s-1", "--region", "eu", "--relay", "nats://127.0.0.1:1", "--journal",
                        dir.resolve("j").toString(), "--creds", missing.toString()}}) {
            Run r = run(args);
            assertThat(r.exitCode()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(CommandMain.BAD_INPUT);
            assertThat(r.err()).as(args[0]).contains("NATS credentials " + (args[0].equals("hub") ? junk : missing))
                    .doesNotContain("\tat ");
        }
    }

    @Test
    void trustSiteIssuesTheSitesOwnUserOrOnlyAJwtForItsOwnKey() throws Exception {
        Path trust = dir.resolve("t");
        run("trust", "init", "--dir", trust.toString());
        Path creds = dir.resolve("store-eu-0001.creds");
        Run file = run("trust", "site", "store-eu-0001", "--fleet", writeDemoFleet().toString(), "-o", creds.toString(),
                "--dir", trust.toString());
        assertThat(file.exitCode()).as(file.err()).isZero();
        var issued = io.cascade.topology.trust.UserCredentials.read(creds);
        assertThat(issued.name()).isEqualTo("site-store-eu-0001");
        assertThat(issued.inboxPrefix()).isEqualTo("_INBOX.site.store-eu-0001");
        assertThat(Files.getPosixFilePermissions(creds))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

        io.nats.client.NKey own = io.nats.client.NKey.createUser(new java.security.SecureRandom());
        Run jwt = run("trust", "site", "store-x", "--region", "eu", "--public-key", new String(own.getPublicKey()),
                "--dir", trust.toString());
        assertThat(jwt.exitCode()).as(jwt.err()).isZero();
        assertThat(jwt.out().trim()).startsWith("eyJ").doesNotContain("SEED", "\n").matches("[\\w-]+\\.[\\w-]+\\.[\\w-]+");

        Run unknown = run("trust", "site", "nowhere-1", "--fleet", writeDemoFleet().toString(), "--dir", trust.toString());
        assertThat(unknown.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(unknown.err()).contains("site nowhere-1 is not in fleet demo; name its region with --region");
        Run badKey = run("trust", "site", "store-x", "--region", "eu", "--public-key", "Axyz", "--dir", trust.toString());
        assertThat(badKey.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(badKey.err()).contains("not a public user nkey");
    }

    @Test
    void trustServiceIssuesEachTiersUserAndWantsARegionExactlyForTheRelaysOnes() throws Exception {
        Path trust = dir.resolve("t");
        run("trust", "init", "--dir", trust.toString());
        for (String[] kind : new String[][] {{"hub", null, "hub"}, {"operator", null, "operator"}, {"relay", "eu", "relay-eu"},
                {"leaf", "eu", "leaf-eu"}, {"sysleaf", "eu", "sysleaf-eu"}}) {
            Path out = dir.resolve(kind[0] + ".creds");
            Run r = kind[1] == null
                    ? run("trust", "service", kind[0], "-o", out.toString(), "--dir", trust.toString())
                    : run("trust", "service", kind[0], "--region", kind[1], "-o", out.toString(), "--dir", trust.toString());
            assertThat(r.exitCode()).as(kind[0] + ": " + r.err()).isZero();
            assertThat(io.cascade.topology.trust.UserCredentials.read(out).name()).isEqualTo(kind[2]);
        }
        Run noRegion = run("trust", "service", "sysleaf", "--dir", trust.toString());
        assertThat(noRegion.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(noRegion.err()).contains("sysleaf credentials are per region: add --region R");
        Run extra = run("trust", "service", "hub", "--region", "eu", "--dir", trust.toString());
        assertThat(extra.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(extra.err()).contains("--region is only for relay, leaf and sysleaf");
        Run noRoot = run("trust", "service", "hub", "--dir", dir.resolve("none").toString());
        assertThat(noRoot.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(noRoot.err()).contains("no trust root in", "cascade trust init");
    }

    private Path writeDemoFleet() throws Exception {
        Path f = dir.resolve("demo.yaml");
        Files.writeString(f, io.cascade.topology.fleet.Fleets.demoText());
        return f;
    }

    @Test
    void badOptionValuesAreReportedWithoutAStackTrace() {
        Run r = run("topology", "render", "--namespace", "Bad_NS", "-o", dir.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("namespace: \"Bad_NS\" is not a DNS label").doesNotContain("\tat ");
    }
}
