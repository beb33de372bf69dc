package io.cascade.edge.journal;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A writer process killed with SIGKILL in the middle of its writes (sync off) leaves a journal that
 * holds every write that returned, and whose transitions are whole: each chain mark with its doc, each
 * applied record with its outbox entry.
 */
class JournalCrashIT {

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void killedWriterLeavesWholeTransitionsAndLosesNothingAcknowledged() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process writer = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", classpath,
                CrashWriter.class.getName(), dir.toString()))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        long acknowledged = 0;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(writer.getInputStream(), UTF_8))) {
            String line;
            while (acknowledged < 3_000 && (line = out.readLine()) != null) {
                acknowledged = Long.parseLong(line.trim());
            }
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        assertThat(acknowledged).as("steps the writer acknowledged before the kill").isEqualTo(3_000);

        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            long mark = journal.marks().app();
            assertThat(mark).isGreaterThanOrEqualTo(acknowledged);
            // the delta that set the mark is there, with its revision
            assertThat(journal.desired().get("eu.app.app-" + mark % CrashWriter.APPS).revision()).isEqualTo(mark);
            assertThat(journal.desired().values())
                    .allSatisfy(entry -> assertThat(entry.revision()).isLessThanOrEqualTo(mark));

            long applied = journal.applied().get("web").intentRevision();
            assertThat(applied).isBetween(mark - 1, mark);
            // step n wrote outbox entry n in the same batch as applied record n
            OutboxEntry latest = journal.latestOutbox().orElseThrow();
            assertThat(latest.seq()).isEqualTo(applied);
            assertThat(new String(latest.report(), UTF_8)).isEqualTo("report " + applied);
            // a marker is left only by a kill between beginApply and recordApplied, for the next step
            Optional<PendingApply> pending = journal.pendingApply("web");
            pending.ifPresent(marker -> assertThat(marker.intentRevision()).isEqualTo(applied + 1));
            System.out.printf("killed after step >= %d: mark %d, applied %d, pending %s%n", acknowledged, mark,
                    applied, pending);
        }
    }
}
