package io.cascade.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * What every scenario command shares: {@code --out} for the results, {@code --work-dir} for the
 * servers' files (a temp dir removed after a successful run, kept and named after a failure), and
 * printing and writing the report. Exit code 1 when the report is not complete.
 */
public abstract class ScenarioCommand implements Callable<Integer> {

    @Spec
    protected CommandSpec spec;

    @Option(names = "--out", defaultValue = "bench/results", description = "Directory for the results (default: ${DEFAULT-VALUE}).")
    protected Path out;

    @Option(names = "--work-dir", description = "Directory for the nats-servers' configs, stores and logs, and the edges' journals "
            + "(default: a temp dir, removed after a successful run).")
    protected Path workDir;

    /** Runs the scenario with its servers' files in {@code dir}. */
    protected abstract BenchReport run(Path dir) throws Exception;

    @Override
    public final Integer call() throws Exception {
        String name = spec.name();
        Path dir = workDir != null ? workDir : Files.createTempDirectory("cascade-bench-" + name + "-");
        PrintWriter stdout = spec.commandLine().getOut();
        BenchReport report;
        try {
            report = run(dir);
        } catch (Exception e) {
            if (workDir == null && isEmpty(dir)) {
                Files.deleteIfExists(dir); // rejected before anything started: nothing to keep
            } else {
                spec.commandLine().getErr().println(name + ": configs, logs and journals kept in " + dir);
            }
            throw e;
        }
        var files = report.writeTo(out);
        stdout.println(report.markdown());
        stdout.println(report.json());
        files.forEach(f -> stdout.println("wrote " + f));
        stdout.flush();
        if (workDir == null) {
            deleteRecursively(dir);
        }
        if (!report.complete()) {
            spec.commandLine().getErr().println(name + ": " + report.incompleteReason());
            return 1;
        }
        return 0;
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
