package io.cascade.hub.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Release;
import io.cascade.proto.RolloutState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Where a wave's soak counts from, and what the controller's rewrites do to a wave's start. */
class RolloutControllerTest {

    static final Instant NOW = Instant.parse("2026-12-07T05:00:00Z");
    static final Instant FIRST_SEEN = NOW.minusSeconds(1);

    static DesiredDoc rolling(Instant waveStarted) {
        DesiredDoc.Builder d = DesiredDoc.newBuilder().setApp("web").setRegion("eu").setIntentRevision(9)
                .setStable(Release.newBuilder().setIntentRevision(5)).setCandidate(Release.newBuilder().setIntentRevision(9))
                .setWavePercent(50).setRolloutState(RolloutState.ROLLING_OUT);
        if (waveStarted != null) {
            d.setWaveStarted(Timestamps.fromMillis(waveStarted.toEpochMilli()));
        }
        return d.build();
    }

    @Test
    void aReplicaTakingOverCountsTheSoakFromTheWaveStartWrittenInTheDocNotFromWhenItFirstSawIt() {
        Instant started = NOW.minusSeconds(600);
        assertThat(RolloutController.waveSince(rolling(started), NOW, () -> FIRST_SEEN)).isEqualTo(started);
    }

    @Test
    void aStartAheadOfThisReplicasClockCountsFromNowNeverFromTheFuture() {
        assertThat(RolloutController.waveSince(rolling(NOW.plusSeconds(30)), NOW, () -> FIRST_SEEN)).isEqualTo(NOW);
    }

    @Test
    void aDocWithoutAStartFromAnOlderHubCountsFromWhenThisReplicaFirstSawTheWave() {
        assertThat(RolloutController.waveSince(rolling(null), NOW, () -> FIRST_SEEN)).isEqualTo(FIRST_SEEN);
    }

    @Test
    void promotionAndRollbackEndTheWave() {
        DesiredDoc d = rolling(NOW);
        assertThat(RolloutController.promote(d).hasWaveStarted()).isFalse();
        assertThat(RolloutController.rollback(d).hasWaveStarted()).isFalse();
    }
}
