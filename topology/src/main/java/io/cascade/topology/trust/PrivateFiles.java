package io.cascade.topology.trust;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Key material on disk: files 0600, created atomically (a crash never leaves half a key). */
public final class PrivateFiles {

    private PrivateFiles() {}

    /** Writes {@code text} to {@code file} (replacing it), mode 0600. */
    public static void write(Path file, String text) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, text, StandardOpenOption.TRUNCATE_EXISTING);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #write}, refusing to replace an existing file. */
    static void create(Path file, String text) {
        if (Files.exists(file)) {
            throw new IllegalStateException(file + " exists already; refusing to overwrite key material");
        }
        write(file, text);
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalStateException("missing " + file + ": run `cascade trust init` first", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
