package io.cascade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.launch.CommandMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
        Run r = run("topology", "render", "-o", out.toString(), "--namespace", "shops");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(Files.readString(out.resolve("hub.conf"))).contains("domain: \"core\"");
        assertThat(Files.readString(out.resolve("relay-eu.conf"))).contains("domain: \"region-eu\"");
        assertThat(Files.readString(out.resolve("kubernetes.yaml")))
                .contains("kind: \"StatefulSet\"", "name: \"demo-relay-us\"", "namespace: \"shops\"");
    }

    @Test
    void badOptionValuesAreReportedWithoutAStackTrace() {
        Run r = run("topology", "render", "--namespace", "Bad_NS", "-o", dir.resolve("x").toString());
        assertThat(r.exitCode()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("namespace: \"Bad_NS\" is not a DNS label").doesNotContain("\tat ");
    }
}
