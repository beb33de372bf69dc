package io.cascade.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code cascade test}: the whole test suite (unit tests and the integration tests on real
 * nats-servers), i.e. {@code mvn verify} in the source tree this jar was built from.
 */
@Command(name = "test", mixinStandardHelpOptions = true,
        description = "Run the whole test suite (mvn verify: unit tests, then integration tests on real nats-servers).")
public final class TestCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "MAVEN_ARG", description = "Extra Maven arguments, e.g. -pl topology.")
    List<String> mavenArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Path root = sourceRoot();
        List<String> cmd = new ArrayList<>(List.of("mvn", "-B", "verify"));
        cmd.addAll(mavenArgs);
        return new ProcessBuilder(cmd).directory(root.toFile()).inheritIO().start().waitFor();
    }

    /** The directory above this jar that holds the parent pom (the jar lives in cli/target/). */
    static Path sourceRoot() throws Exception {
        Path here = Path.of(TestCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        for (Path p = here; p != null; p = p.getParent()) {
            Path pom = p.resolve("pom.xml");
            if (Files.isRegularFile(pom) && Files.readString(pom).contains("<artifactId>cascade-parent</artifactId>")
                    && Files.isDirectory(p.resolve("cli"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Cascade source tree above " + here
                + "; run ./cascade test from a checkout");
    }
}
