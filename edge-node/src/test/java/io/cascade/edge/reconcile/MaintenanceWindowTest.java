package io.cascade.edge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.edge.journal.DesiredEntry;
import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.JournalStore;
import io.cascade.edge.journal.Marks;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.CountingProvider;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.Bundle;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Release;
import io.cascade.proto.Resource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MaintenanceWindowTest {

    @TempDir
    Path dir;

    /** A clock the test moves. */
    static final class MovableClock extends Clock {
        Instant now;

        MovableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @ParameterizedTest(name = "{0} at {1}: {2}")
    @CsvSource(textBlock = """
            02:00-04:00, 01:59, false
            02:00-04:00, 02:00, true
            02:00-04:00, 03:59, true
            02:00-04:00, 04:00, false
            22:00-02:00, 23:30, true
            22:00-02:00, 01:00, true
            22:00-02:00, 12:00, false
            """)
    void opensDailyInUtcAndMayCrossMidnight(String window, String time, boolean open) {
        Instant at = Instant.parse("2026-11-25T" + time + ":00Z");
        assertThat(MaintenanceWindow.parse(window).contains(at)).isEqualTo(open);
    }

    @Test
    void theReportedOccurrenceIsTheOpenOneOrTheNext() {
        MaintenanceWindow night = MaintenanceWindow.parse("22:00-02:00");
        Instant[] open = night.occurrence(Instant.parse("2026-11-25T01:00:00Z"));
        assertThat(open).containsExactly(Instant.parse("2026-11-24T22:00:00Z"), Instant.parse("2026-11-25T02:00:00Z"));
        Instant[] next = night.occurrence(Instant.parse("2026-11-25T12:00:00Z"));
        assertThat(next).containsExactly(Instant.parse("2026-11-25T22:00:00Z"), Instant.parse("2026-11-26T02:00:00Z"));
        Instant[] day = MaintenanceWindow.parse("02:00-04:00").occurrence(Instant.parse("2026-11-25T05:00:00Z"));
        assertThat(day).containsExactly(Instant.parse("2026-11-26T02:00:00Z"), Instant.parse("2026-11-26T04:00:00Z"));
    }

    @Test
    void badWindowsAreRejectedNamingTheOption() {
        assertThatThrownBy(() -> MaintenanceWindow.parse("2am")).hasMessageContaining("--maintenance: expected HH:MM-HH:MM");
        assertThatThrownBy(() -> MaintenanceWindow.parse("25:00-01:00")).hasMessageContaining("--maintenance");
        assertThatThrownBy(() -> MaintenanceWindow.parse("02:00-02:00")).hasMessageContaining("different from its end");
    }

    @Test
    void aNewRevisionWaitsWhileTheWindowIsOpenAndLandsWhenItCloses() {
        MovableClock clock = new MovableClock(Instant.parse("2026-11-25T01:00:00Z"));
        try (JournalStore store = JournalStore.open(dir)) {
            Journal journal = store.site("store-1");
            Provider provider = Providers.fromSpec("sim:seed=1");
            Reconciler r = new Reconciler("store-1", "eu", Map.of("region", "eu"), journal, provider, clock,
                    new EdgeMetrics(new SimpleMeterRegistry()), Optional.of(new MaintenanceWindow(LocalTime.of(2, 0), LocalTime.of(4, 0))));

            journal.applySync(List.of(doc("web", 1)), List.of(), new Marks(1, 0), false);
            assertThat(r.reconcile().applied()).as("outside the window").containsExactly("web");

            clock.now = Instant.parse("2026-11-25T02:30:00Z");
            journal.applySync(List.of(doc("web", 2), doc("db", 3)), List.of(), new Marks(3, 0), false);
            Reconciler.Outcome inside = r.reconcile(true);
            assertThat(inside.changedAnything()).isFalse();
            assertThat(journal.applied().get("web").intentRevision()).isEqualTo(1);
            assertThat(journal.applied()).doesNotContainKey("db");

            clock.now = Instant.parse("2026-11-25T04:00:00Z");
            assertThat(r.reconcile(true).applied()).containsExactlyInAnyOrder("web", "db");
            assertThat(journal.applied().get("web").intentRevision()).isEqualTo(2);
            assertThat(((CountingProvider) provider).applyCount("web")).isEqualTo(2);
        }
    }

    static DesiredEntry doc(String app, long revision) {
        Resource config = Resource.newBuilder().setKind("ConfigMap").setName(app).setManifest("data: {v: \"" + revision + "\"}").build();
        Release stable = Release.newBuilder().setIntentRevision(revision)
                .setBundle(Bundle.newBuilder().setVersion("1." + revision).addResources(config)).build();
        DesiredDoc d = DesiredDoc.newBuilder().setApp(app).setRegion("eu").setIntentRevision(revision).setStable(stable).build();
        return new DesiredEntry("eu.app." + app, revision, d.toByteArray());
    }
}
