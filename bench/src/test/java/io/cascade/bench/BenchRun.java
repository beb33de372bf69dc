package io.cascade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cascade.topology.launch.CommandMain;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/**
 * A scenario run through {@code cascade bench} as a user runs it, small, for the integration tests:
 * its exit code, output, and the JSON and Markdown it wrote.
 *
 * @param code   exit code
 * @param stdout what it printed
 * @param stderr what it complained about
 * @param json   the JSON file it wrote
 * @param md     the Markdown file it wrote
 */
public record BenchRun(int code, String stdout, String stderr, JsonNode json, String md) {

    /** Runs {@code scenario args...} with results and work files under {@code dir}; expects {@code <stem>.json/.md}. */
    public static BenchRun of(Path dir, String stem, String scenario, String... args) throws IOException {
        Path out = dir.resolve("results");
        CommandLine cli = CommandMain.commandLine(new BenchCommand());
        StringWriter stdout = new StringWriter();
        StringWriter stderr = new StringWriter();
        cli.setOut(new PrintWriter(stdout, true));
        cli.setErr(new PrintWriter(stderr, true));
        List<String> all = new ArrayList<>(List.of(scenario));
        all.addAll(List.of(args));
        all.addAll(List.of("--out", out.toString(), "--work-dir", dir.resolve("work").toString()));
        int code = cli.execute(all.toArray(String[]::new));
        assertThat(code).as(stderr.toString()).isZero();
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve(stem + ".json")));
        String md = Files.readString(out.resolve(stem + ".md"));
        assertThat(stdout.toString()).contains("wrote " + out.resolve(stem + ".json"));
        assertThat(ProcessHandle.current().children()
                .filter(p -> p.isAlive() && p.info().command().orElse("").endsWith("nats-server"))).isEmpty();
        return new BenchRun(code, stdout.toString(), stderr.toString(), json, md);
    }
}
