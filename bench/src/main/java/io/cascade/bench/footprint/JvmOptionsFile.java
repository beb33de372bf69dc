package io.cascade.bench.footprint;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge's JVM options file ({@code edge-node/jvm.options}), a java launcher argument file as
 * {@code ./cascade edge} passes it ({@code java @edge-node/jvm.options}): options separated by
 * white space, {@code #} to the end of a line a comment. No quoting: no option of the edge needs it.
 */
public final class JvmOptionsFile {

    /** The file, relative to the repository's root. */
    public static final String PATH = "edge-node/jvm.options";
    /** The edge's jar, relative to the repository's root: its class path is {@code lib/} beside it. */
    public static final String JAR = "edge-node/target/cascade-edge.jar";
    /**
     * The edge's class-data-sharing archive beside its jar, relative to the repository's root. The JVM makes it at the
     * exit of the first start and maps it at every later one ({@code -XX:+AutoCreateSharedArchive}, JDK 19+; remade when
     * the jar or the JDK changes). Its path is absolute, so it is one of the {@link #launchOptions} that
     * {@code ./cascade edge} adds to the file's options, as this bench does.
     */
    public static final String ARCHIVE = "edge-node/target/cascade-edge.jsa";

    /**
     * RocksDB's JNI library for the common device platforms, unpacked by the package beside the jars, relative to the
     * repository's root. On {@code java.library.path} RocksJava loads it from there instead of copying it out of its jar
     * into the temp dir at every start; the path is absolute, so it is one of the {@link #launchOptions}.
     */
    public static final String NATIVE = "edge-node/target/lib/native";

    private JvmOptionsFile() {}

    /** The options of {@code file}, in order. */
    public static List<String> read(Path file) {
        List<String> options = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                int hash = line.indexOf('#');
                String text = hash < 0 ? line : line.substring(0, hash);
                if (text.contains("\"") || text.contains("'")) {
                    throw new IllegalArgumentException(file + ": quoted options are not supported: " + line);
                }
                for (String option : text.strip().split("\\s+")) {
                    if (!option.isEmpty()) {
                        options.add(option);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the edge's JVM options " + file, e);
        }
        return options;
    }

    /**
     * What {@code ./cascade edge} adds to the file's options for a checkout in {@code home} (absolute paths, which an
     * argument file cannot hold): the class-data archive's two options and the native library directory.
     */
    public static List<String> launchOptions(Path home) {
        return List.of("-XX:+AutoCreateSharedArchive", "-XX:SharedArchiveFile=" + home.resolve(ARCHIVE),
                "-Djava.library.path=" + home.resolve(NATIVE));
    }

    /**
     * The repository's root: the system property {@code cascade.home} ({@code ./cascade bench} sets it), else the
     * working directory or its parent (a module's tests run in the module's directory), whichever holds {@link #PATH}.
     */
    public static Path home() {
        String property = System.getProperty("cascade.home");
        if (property != null) {
            return Path.of(property);
        }
        Path cwd = Path.of("").toAbsolutePath();
        for (Path p = cwd; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve(PATH))) {
                return p;
            }
        }
        throw new IllegalStateException("no " + PATH + " in " + cwd + " or above; set -Dcascade.home to Cascade's checkout");
    }
}
