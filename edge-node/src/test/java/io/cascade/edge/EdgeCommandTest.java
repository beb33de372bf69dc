package io.cascade.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.topology.launch.CommandMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cascade edge}'s registration options: every misuse is refused at start, saying what to pass. */
class EdgeCommandTest {

    @TempDir
    Path dir;

    record Run(int code, String err) {}

    Run edge(String... args) {
        picocli.CommandLine cli = CommandMain.commandLine(new EdgeCommand());
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        return new Run(cli.execute(args), err.toString());
    }

    @Test
    void registerNeedsTheHubAndTheCa() {
        Run r = edge("--site", "s-1", "--region", "eu", "--journal", dir.toString(), "--register", "cbt1.0123456789abcdef.x");
        assertThat(r.code()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("--register needs --hub HOST:PORT and --ca FILE");

        r = edge("--site", "s-1", "--region", "eu", "--journal", dir.toString(), "--register", "cbt1.0123456789abcdef.x",
                "--hub", "127.0.0.1:1");
        assertThat(r.err()).contains("--register needs --ca FILE");
        assertThat(dir.resolve("identity")).doesNotExist();
    }

    @Test
    void hubAndCaWithoutRegisterAreRefusedAndCredsExcludeAStoredIdentity() throws Exception {
        Run r = edge("--site", "s-1", "--region", "eu", "--journal", dir.toString(), "--hub", "127.0.0.1:1");
        assertThat(r.code()).isEqualTo(CommandMain.BAD_INPUT);
        assertThat(r.err()).contains("--hub and --ca are for --register TOKEN");

        r = edge("--site", "s-1", "--region", "eu", "--journal", dir.toString(), "--register", "cbt1.0123456789abcdef.x",
                "--creds", Files.writeString(dir.resolve("x.creds"), "nothing").toString());
        assertThat(r.code()).isNotZero();
        assertThat(r.err()).contains("x.creds");
    }
}
