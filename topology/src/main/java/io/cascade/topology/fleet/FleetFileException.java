package io.cascade.topology.fleet;

import java.util.List;

/** A fleet file that cannot be used; every problem names the field it is about. */
public final class FleetFileException extends IllegalArgumentException {

    private final List<String> problems;

    FleetFileException(String source, List<String> problems) {
        super("fleet file " + source + " is invalid:\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, each starting with the field path, e.g. {@code regions[1].name: ...}. */
    public List<String> problems() {
        return problems;
    }
}
