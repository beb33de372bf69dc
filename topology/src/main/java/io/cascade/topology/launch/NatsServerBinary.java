package io.cascade.topology.launch;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Finds the nats-server executable: {@code $CASCADE_NATS_SERVER}, then the PATH. */
public final class NatsServerBinary {

    public static final String ENV = "CASCADE_NATS_SERVER";

    private NatsServerBinary() {}

    public static Path locate() {
        return find().orElseThrow(() -> new IllegalStateException(
                "nats-server was not found on the PATH (nor in $" + ENV + "); install it with "
                        + "'apt-get install -y nats-server' (./cascade does this when it can)"));
    }

    public static Optional<Path> find() {
        String explicit = System.getenv(ENV);
        if (explicit != null && !explicit.isBlank()) {
            Path p = Path.of(explicit);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, "nats-server");
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
