package io.cascade.edge.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.JournalStore;
import io.cascade.edge.journal.Marks;
import io.cascade.edge.metrics.DeltaLatency;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Delta;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What live deltas record (the sync path needs a relay and is left to the integration tests). */
class DesiredFeedMetricsTest {

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final EdgeMetrics metrics = new EdgeMetrics(registry);
    private final DeltaLatency latency = metrics.newDeltaLatency();
    private JournalStore store;
    private Journal journal;
    private DesiredFeed feed;

    @BeforeEach
    void open() {
        store = JournalStore.open(dir);
        journal = store.site("store-1");
        feed = new DesiredFeed("store-1", "eu", journal, null, Duration.ofSeconds(3), Duration.ofSeconds(5), metrics, latency);
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void countsDeltasReceivedAppliedAndGaps() {
        long now = System.nanoTime();
        assertThat(feed.onDelta(appDelta("web", 1, 0), now)).isEqualTo(DesiredFeed.Result.CHANGED);
        assertThat(feed.onDelta(appDelta("web", 1, 0), now)).as("a repeat").isEqualTo(DesiredFeed.Result.NOTHING);
        assertThat(feed.onDelta(appDelta("web", 5, 3), now)).as("a gap").isEqualTo(DesiredFeed.Result.NEEDS_SYNC);
        assertThat(feed.onDelta(new byte[] {1, 2, 3}, now)).as("malformed").isEqualTo(DesiredFeed.Result.NOTHING);
        assertThat(feed.onDelta(appDelta("db", 2, 1), now)).isEqualTo(DesiredFeed.Result.CHANGED);

        assertThat(journal.marks()).isEqualTo(new Marks(2, 0));
        assertThat(registry.get("cascade.edge.deltas.received").counter().count()).isEqualTo(5);
        assertThat(registry.get("cascade.edge.deltas.applied").counter().count()).isEqualTo(2);
        assertThat(registry.get("cascade.edge.gaps").counter().count()).isEqualTo(1);
        assertThat(feed.stats().gaps()).isEqualTo(1);
    }

    @Test
    void timesADeltaFromArrivalToItsAppApplied() {
        long arrived = System.nanoTime() - TimeUnit.SECONDS.toNanos(2);
        feed.onDelta(appDelta("web", 1, 0), arrived);

        latency.settled(List.of("web"), List.of());

        Timer timer = registry.get("cascade.edge.delta.to.applied").timer();
        assertThat(timer.count()).isEqualTo(1);
        assertThat(timer.totalTime(TimeUnit.SECONDS)).isGreaterThanOrEqualTo(2);
    }

    private static byte[] appDelta(String app, long revision, long prev) {
        return Delta.newBuilder().setKey("eu.app." + app).setRevision(revision).setPrevRevision(prev)
                .setChain(Delta.Chain.APP).setKind(Delta.Kind.PUT)
                .setAppDoc(DesiredDoc.newBuilder().setApp(app).setRegion("eu").setIntentRevision(revision))
                .build().toByteArray();
    }
}
