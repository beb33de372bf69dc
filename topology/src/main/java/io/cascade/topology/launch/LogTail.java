package io.cascade.topology.launch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The end of a supervised process's log file, for the error that says why it did not start. */
public final class LogTail {

    private LogTail() {}

    /** The last {@code lines} lines of {@code log}, or a note saying why it cannot be read. */
    public static String of(Path log, int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }
}
