package io.cascade.topology.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Fleet files shipped with Cascade, and the choice between one of them and the user's own. */
public final class Fleets {

    static final String DEMO_RESOURCE = "/io/cascade/topology/fleets/demo.yaml";

    private Fleets() {}

    /** The demo fleet of {@code cascade up}: two regions (eu, us), three sites each. */
    public static Fleet demo() {
        return FleetFile.parse(demoText(), DEMO_RESOURCE);
    }

    /** The demo fleet file's text. */
    public static String demoText() {
        try (InputStream in = Fleets.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the bundled fleet " + DEMO_RESOURCE + " is missing from the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fleet file at {@code file}, or the demo fleet when {@code file} is null. */
    public static Fleet loadOrDemo(Path file) {
        return file == null ? demo() : FleetFile.load(file);
    }

    /** The text of the fleet file at {@code file}, or of the demo fleet when {@code file} is null. */
    public static String textOrDemo(Path file) {
        if (file == null) {
            return demoText();
        }
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read fleet file " + file + ": " + e.getMessage(), e);
        }
    }
}
