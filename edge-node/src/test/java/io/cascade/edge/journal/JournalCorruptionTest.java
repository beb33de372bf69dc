package io.cascade.edge.journal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** A journal RocksDB cannot open is moved aside, said so in one WARN line, and replaced by a fresh one. */
class JournalCorruptionTest {

    @TempDir
    Path tmp;

    interface Damage {
        void to(Path dir) throws IOException;
    }

    static Stream<Arguments> damages() {
        return Stream.of(
                Arguments.of("garbage over CURRENT", (Damage) dir ->
                        Files.write(dir.resolve("CURRENT"), new byte[] {0x13, 0x37, (byte) 0xff}),
                        "Corruption: CURRENT file does not end with newline"),
                Arguments.of("garbage over the MANIFEST", (Damage) dir -> {
                    for (Path manifest : files(dir, "MANIFEST-")) {
                        Files.writeString(manifest, "not a manifest ".repeat(40));
                    }
                }, "Corruption: "),
                Arguments.of("MANIFEST gone", (Damage) dir -> {
                    for (Path manifest : files(dir, "MANIFEST-")) {
                        Files.delete(manifest);
                    }
                }, "IOError: While opening a file for sequentially reading"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("damages")
    void corruptJournalIsMovedAsideAndAFreshOneOpens(String name, Damage damage, String rocksError) throws IOException {
        Path dir = tmp.resolve("journal");
        try (JournalStore store = JournalStore.open(dir)) {
            store.site("store-1").applyDelta(JournalTest.entry("eu.app.web", 5, "web"), null, new Marks(5, 0));
        }
        damage.to(dir);

        JournalStore[] opened = new JournalStore[1];
        String stderr = stderrOf(() -> opened[0] = JournalStore.open(dir));
        try (JournalStore store = opened[0]) {
            Path aside = store.recoveredFromCorruption().orElseThrow();
            assertThat(aside.getParent()).isEqualTo(dir.getParent());
            assertThat(aside.getFileName().toString()).startsWith("journal.corrupt-");
            assertThat(aside.resolve("CURRENT")).exists();

            List<String> warnings = stderr.lines().filter(line -> line.contains("WARN")).toList();
            assertThat(warnings).hasSize(1);
            assertThat(warnings.getFirst())
                    .contains("journal " + dir + " cannot be opened (" + rocksError)
                    .contains("moved it aside to " + aside)
                    .contains("opened a fresh empty journal");

            Journal journal = store.site("store-1");
            assertThat(journal.marks()).isEqualTo(Marks.NONE);
            assertThat(journal.desired()).isEmpty();
            journal.applyDelta(JournalTest.entry("eu.app.web", 9, "web"), null, new Marks(9, 0));
        }
        try (JournalStore store = JournalStore.open(dir)) {
            assertThat(store.recoveredFromCorruption()).isEmpty();
            assertThat(store.site("store-1").marks()).isEqualTo(new Marks(9, 0));
        }
    }

    @Test
    void aDirectoryLockedByAnOpenStoreIsNotMovedAside() throws IOException {
        Path dir = tmp.resolve("journal");
        try (JournalStore first = JournalStore.open(dir)) {
            first.site("store-1").applyDelta(JournalTest.entry("eu.app.web", 5, "web"), null, new Marks(5, 0));

            assertThatThrownBy(() -> JournalStore.open(dir))
                    .isInstanceOf(JournalException.class)
                    .hasMessageContaining("cannot open journal " + dir + ": IOError")
                    .hasMessageContaining("LOCK");
            assertThat(files(tmp, "journal.corrupt-")).isEmpty();
            assertThat(first.site("store-1").marks()).isEqualTo(new Marks(5, 0));
        }
    }

    private static List<Path> files(Path dir, String prefix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(path -> path.getFileName().toString().startsWith(prefix)).toList();
        }
    }

    /** What {@code action} logs: slf4j-simple writes to whatever System.err is at the time. */
    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        original.print(buffer.toString(UTF_8));
        return buffer.toString(UTF_8);
    }
}
