package io.cascade.bench;

import io.cascade.topology.launch.CommandMain;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/**
 * What one {@code cascade bench ...} command line did, run in this JVM as the launcher runs it.
 *
 * @param exitCode the exit code
 * @param out      what it printed
 * @param err      what it complained about
 */
public record BenchCli(int exitCode, String out, String err) {

    /** Runs {@code cascade bench args...}, capturing both streams. */
    public static BenchCli run(String... args) {
        CommandLine cli = CommandMain.commandLine(new BenchCommand());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return new BenchCli(cli.execute(args), out.toString(), err.toString());
    }
}
