package io.cascade.hub.desired;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.util.Timestamps;
import io.cascade.hub.testing.SampleIntents;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Intent;
import io.cascade.proto.Release;
import io.cascade.proto.RolloutState;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RolloutTest {

    private static final Intent V1 = SampleIntents.valid("web").setRollout(SampleIntents.waves(10, 50, 100)).build();
    private static final Intent V2 = V1.toBuilder().setBundle(SampleIntents.bundle("2.0.0")).build();
    private static final Instant NOW = Instant.parse("2026-12-07T04:00:00Z");
    private static final Intent V3 = V1.toBuilder().setBundle(SampleIntents.bundle("3.0.0")).build();

    @Test
    void theFirstReleaseIsStableAtOnceEvenWithWaves() {
        DesiredDoc doc = Rollout.render("eu", 5, V1, null, NOW);

        assertThat(doc.getApp()).isEqualTo("web");
        assertThat(doc.getRegion()).isEqualTo("eu");
        assertThat(doc.getIntentRevision()).isEqualTo(5);
        assertThat(doc.getTarget()).isEqualTo(V1.getTarget());
        assertThat(doc.getStable()).isEqualTo(release(5, V1));
        assertThat(doc.hasCandidate()).isFalse();
        assertThat(doc.getWavePercent()).isEqualTo(100);
        assertThat(doc.getRolloutState()).isEqualTo(RolloutState.STABLE);
        assertThat(doc.hasWaveStarted()).as("no candidate, no wave").isFalse();
    }

    @Test
    void aNewBundleWithWavesBecomesTheCandidateAtTheFirstWave() {
        DesiredDoc doc = Rollout.render("eu", 9, V2, Rollout.render("eu", 5, V1, null, NOW), NOW);

        assertThat(doc.getIntentRevision()).isEqualTo(9);
        assertThat(doc.getStable()).isEqualTo(release(5, V1));
        assertThat(doc.getCandidate()).isEqualTo(release(9, V2));
        assertThat(doc.getWavePercent()).isEqualTo(10);
        assertThat(doc.getRolloutState()).isEqualTo(RolloutState.ROLLING_OUT);
        assertThat(Timestamps.toMillis(doc.getWaveStarted())).as("the first wave starts when the doc is written")
                .isEqualTo(NOW.toEpochMilli());
    }

    @Test
    void aNewBundleMidRolloutReplacesTheCandidateAndKeepsTheStable() {
        DesiredDoc rolling = Rollout.render("eu", 9, V2, Rollout.render("eu", 5, V1, null, NOW), NOW);

        DesiredDoc doc = Rollout.render("eu", 12, V3, rolling, NOW);

        assertThat(doc.getStable()).isEqualTo(release(5, V1));
        assertThat(doc.getCandidate()).isEqualTo(release(12, V3));
        assertThat(doc.getWavePercent()).isEqualTo(10);
    }

    @Test
    void withoutWavesOrWithOneFullWaveTheNewReleaseIsStableAtOnce() {
        DesiredDoc previous = Rollout.render("eu", 5, V1, null, NOW);
        for (Intent next : new Intent[] {V2.toBuilder().clearRollout().build(),
                V2.toBuilder().setRollout(SampleIntents.waves(100)).build()}) {
            DesiredDoc doc = Rollout.render("eu", 9, next, previous, NOW);
            assertThat(doc.getStable()).isEqualTo(release(9, next));
            assertThat(doc.hasCandidate()).isFalse();
            assertThat(doc.getWavePercent()).isEqualTo(100);
            assertThat(doc.getRolloutState()).isEqualTo(RolloutState.STABLE);
        }
    }

    @Test
    void theSameBundleAsTheStableOneHasNothingToRollOut() {
        Intent retargeted = V1.toBuilder().setTarget(V1.getTarget().toBuilder().addRegions("eu")).build();
        DesiredDoc rolling = Rollout.render("eu", 9, V2, Rollout.render("eu", 5, V1, null, NOW), NOW);

        DesiredDoc doc = Rollout.render("eu", 12, retargeted, rolling, NOW);

        assertThat(doc.getStable()).isEqualTo(release(12, retargeted));
        assertThat(doc.hasCandidate()).isFalse();
        assertThat(doc.getRolloutState()).isEqualTo(RolloutState.STABLE);
        assertThat(doc.getTarget().getRegionsList()).containsExactly("eu");
    }

    private static Release release(long revision, Intent intent) {
        return Release.newBuilder().setIntentRevision(revision).setBundle(intent.getBundle()).build();
    }
}
