package io.cascade.edge.journal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;

/**
 * The process {@link JournalCrashIT} kills: writes the transitions of one site in a loop, printing
 * each step number once its last write has returned, until it is killed.
 */
public final class CrashWriter {

    static final int APPS = 50;

    private CrashWriter() {}

    public static void main(String[] args) {
        byte[] doc = "x".repeat(1024).getBytes(StandardCharsets.UTF_8);
        JournalStore store = JournalStore.open(Path.of(args[0]));
        Journal journal = store.site("store-1");
        for (long step = 1; ; step++) {
            journal.applyDelta(new DesiredEntry("eu.app.app-" + step % APPS, step, doc), null, new Marks(step, 0));
            journal.beginApply("web", step, "hash-" + step);
            journal.recordApplied("web", new AppliedRecord(step, "hash-" + step, Instant.now()),
                    ("report " + step).getBytes(StandardCharsets.UTF_8));
            System.out.println(step);
            System.out.flush();
        }
    }
}
