package io.cascade.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        List<String> all = new ArrayList<>(List.of(scenario));
        all.addAll(List.of(args));
        all.addAll(List.of("--out", out.toString(), "--work-dir", dir.resolve("work").toString()));
        BenchCli cli = BenchCli.run(all.toArray(String[]::new));
        assertThat(cli.exitCode()).as(cli.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(Files.readString(out.resolve(stem + ".json")));
        String md = Files.readString(out.resolve(stem + ".md"));
        assertThat(cli.out()).contains("wrote " + out.resolve(stem + ".json"));
        assertThat(ProcessHandle.current().children()
                .filter(p -> p.isAlive() && p.info().command().orElse("").endsWith("nats-server"))).isEmpty();
        return new BenchRun(cli.exitCode(), cli.out(), cli.err(), json, md);
    }
}
