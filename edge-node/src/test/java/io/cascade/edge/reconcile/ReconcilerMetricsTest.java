package io.cascade.edge.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.edge.journal.DesiredEntry;
import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.JournalStore;
import io.cascade.edge.journal.Marks;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.AppHealth;
import io.cascade.edge.provider.ForwardingProvider;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.provider.ProviderException;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.AppState;
import io.cascade.proto.Bundle;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Release;
import io.cascade.proto.Resource;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a reconcile pass records: applies by outcome, their duration, removes, drift repairs. */
class ReconcilerMetricsTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private JournalStore store;
    private Journal journal;

    @BeforeEach
    void open() {
        store = JournalStore.open(dir);
        journal = store.site("store-1");
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void countsAppliesByOutcomeAndTimesEachProviderApply() {
        Reconciler reconciler = reconciler(Providers.fromSpec("sim:seed=1,failApps=broken"));
        journal.applySync(List.of(app("web", 1), app("broken", 2)), List.of(), new Marks(2, 0), false);

        Reconciler.Outcome first = reconciler.reconcile();
        Reconciler.Outcome second = reconciler.reconcile();

        assertThat(first.applied()).containsExactly("web");
        assertThat(first.failed()).containsExactly("broken");
        assertThat(second.changedAnything()).isFalse();
        assertThat(journal.applied()).containsOnlyKeys("web");
        assertThat(count("cascade.edge.applies", "outcome", "ok")).isEqualTo(1);
        assertThat(count("cascade.edge.applies", "outcome", "failed")).isEqualTo(1);
        Timer applyDuration = registry.get("cascade.edge.apply.duration").timer();
        assertThat(applyDuration.count()).isEqualTo(2);
        assertThat(applyDuration.totalTime(TimeUnit.NANOSECONDS)).isPositive();
    }

    @Test
    void countsRemovesOfAppsNoLongerDesired() {
        Reconciler reconciler = reconciler(Providers.fromSpec("sim:seed=1"));
        journal.applySync(List.of(app("web", 1)), List.of(), new Marks(1, 0), false);
        reconciler.reconcile();

        journal.applySync(List.of(), List.of("eu.app.web"), new Marks(2, 0), false);
        Reconciler.Outcome outcome = reconciler.reconcile();

        assertThat(outcome.removed()).containsExactly("web");
        assertThat(journal.applied()).isEmpty();
        assertThat(count("cascade.edge.removes", "outcome", "ok")).isEqualTo(1);
        assertThat(count("cascade.edge.removes", "outcome", "failed")).isZero();
    }

    @Test
    void countsDriftRepairsOnTheDriftCheckingPass() {
        Provider drifting = new ForwardingProvider(Providers.fromSpec("sim:seed=1")) {
            @Override
            public AppHealth status(String app) throws ProviderException {
                return new AppHealth(AppState.DRIFTED, "configmap web-settings was edited");
            }
        };
        Reconciler reconciler = reconciler(drifting);
        journal.applySync(List.of(app("web", 1)), List.of(), new Marks(1, 0), false);
        reconciler.reconcile();

        reconciler.reconcile(false);
        Reconciler.Outcome checked = reconciler.reconcile(true);

        assertThat(checked.applied()).containsExactly("web");
        assertThat(registry.get("cascade.edge.drift.repairs").counter().count()).isEqualTo(1);
        assertThat(count("cascade.edge.applies", "outcome", "ok")).isEqualTo(2);
    }

    private Reconciler reconciler(Provider provider) {
        return new Reconciler("store-1", "eu", Map.of("region", "eu"), journal, provider, CLOCK, metrics);
    }

    private double count(String name, String tag, String value) {
        return registry.get(name).tag(tag, value).counter().count();
    }

    private static DesiredEntry app(String app, long revision) {
        Resource config = Resource.newBuilder().setKind("ConfigMap").setName(app + "-settings").setManifest("data: {}").build();
        Release stable = Release.newBuilder().setIntentRevision(revision)
                .setBundle(Bundle.newBuilder().setVersion("1." + revision).addResources(config)).build();
        DesiredDoc doc = DesiredDoc.newBuilder().setApp(app).setRegion("eu").setIntentRevision(revision).setStable(stable).build();
        return new DesiredEntry("eu.app." + app, revision, doc.toByteArray());
    }
}
