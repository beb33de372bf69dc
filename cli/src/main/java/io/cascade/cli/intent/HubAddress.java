package io.cascade.cli.intent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the hub's FleetService is: {@code --hub}, else {@code $CASCADE_HUB}, else the address a
 * running {@code cascade up} wrote into its work dir, else {@code 127.0.0.1:7443}.
 */
public final class HubAddress {

    public static final String ENV = "CASCADE_HUB";
    public static final String DEFAULT = "127.0.0.1:7443";
    /** The file {@code cascade up} writes, relative to the directory it was started in. */
    public static final Path UP_FILE = Path.of(".cascade", "up", "hub-address");

    private HubAddress() {}

    public static String resolve(String option) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return env;
        }
        if (Files.isRegularFile(UP_FILE)) {
            try {
                return Files.readString(UP_FILE).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + UP_FILE, e);
            }
        }
        return DEFAULT;
    }
}
