package io.cascade.cli.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The packaged edge as {@code ./cascade edge} starts one site on a device: the edge's own jar (its class path, with
 * lib/k8s and lib/register beside it) with its measured JVM settings (edge-node/jvm.options), RocksDB's library from
 * lib/native, and a temp dir of its own beside the journal.
 */
final class PackagedEdge {

    private PackagedEdge() {}

    /** Starts it on {@code journal} with {@code args}; its output goes to {@code log}. */
    static Process start(Path journal, Path log, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(java, "@" + Path.of("../edge-node/jvm.options").toAbsolutePath(),
                "-Djava.library.path=" + Path.of("../edge-node/target/lib/native").toAbsolutePath(),
                "-Djava.io.tmpdir=" + Files.createDirectories(journal.resolveSibling("tmp")),
                "-jar", Path.of("../edge-node/target/cascade-edge.jar").toAbsolutePath().toString(),
                "--journal", journal.toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
