package io.cascade.topology.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** Fleet files shipped with Cascade. */
public final class Fleets {

    private Fleets() {}

    /** The demo fleet of {@code cascade up}: two regions (eu, us), three sites each. */
    public static Fleet demo() {
        return bundled("demo");
    }

    /** The fleet file at {@code file}, or the demo fleet when {@code file} is null. */
    public static Fleet loadOrDemo(java.nio.file.Path file) {
        return file == null ? demo() : FleetFile.load(file);
    }

    static Fleet bundled(String name) {
        String resource = "/io/cascade/topology/fleets/" + name + ".yaml";
        try (InputStream in = Fleets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no bundled fleet " + resource);
            }
            return FleetFile.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), resource);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
