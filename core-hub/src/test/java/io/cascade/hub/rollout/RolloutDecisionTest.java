package io.cascade.hub.rollout;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.proto.DesiredDoc;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.Release;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.RolloutState;
import io.cascade.proto.Wave;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RolloutDecisionTest {

    static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    static RolloutPolicy policy(int failureLimit, Integer threshold, boolean autoRollback, long soakSeconds) {
        RolloutPolicy.Builder p = RolloutPolicy.newBuilder()
                .addWaves(Wave.newBuilder().setPercent(10)).addWaves(Wave.newBuilder().setPercent(50))
                .addWaves(Wave.newBuilder().setPercent(100))
                .setFailureLimitPercent(failureLimit).setAutoRollback(autoRollback)
                .setMinSoak(com.google.protobuf.Duration.newBuilder().setSeconds(soakSeconds));
        if (threshold != null) {
            p.setSuccessThresholdPercent(threshold);
        }
        return p.build();
    }

    static DesiredDoc doc(RolloutState state, int wave) {
        return DesiredDoc.newBuilder().setApp("web").setRolloutState(state).setWavePercent(wave)
                .setStable(Release.newBuilder().setIntentRevision(3))
                .setCandidate(Release.newBuilder().setIntentRevision(7)).build();
    }

    static IntentRollup counts(int inWave, int offline, int ready, int failed) {
        return IntentRollup.newBuilder().setApp("web").setTargeted(100).setInWave(inWave).setOffline(offline)
                .addRevisions(RevisionRollup.newBuilder().setIntentRevision(7).setReady(ready).setFailed(failed))
                .addRevisions(RevisionRollup.newBuilder().setIntentRevision(3).setReady(100 - ready - failed))
                .build();
    }

    @ParameterizedTest(name = "wave {0}%: {1} in wave, {2} offline, {3} ready, {4} failed, limit {5}%, threshold {6}, rollback {7}, soak {8}s at +{9}s -> {10}")
    @CsvSource(nullValues = "-", textBlock = """
            10,  10, 0, 10, 0, 0,  -,  false, 0,  0,  Advance(50)
            50,  50, 0, 50, 0, 0,  -,  false, 0,  0,  Advance(100)
            100, 100, 0, 100, 0, 0, -, false, 0,  0,  Promote
            10,  10, 0,  9, 0, 0,  -,  false, 0,  0,  Wait
            10,  10, 0,  9, 0, 0,  90, false, 0,  0,  Advance(50)
            10,  10, 2,  8, 0, 0,  -,  false, 0,  0,  Advance(50)
            10,  10, 0, 10, 0, 0,  -,  false, 60, 30, Wait
            10,  10, 0, 10, 0, 0,  -,  false, 60, 60, Advance(50)
            10,  10, 0,  8, 2, 0,  -,  false, 0,  0,  Pause
            10,  10, 0,  8, 2, 0,  -,  true,  0,  0,  Rollback
            10,  10, 0,  8, 2, 20, -,  false, 0,  0,  Wait
            10,  10, 0,  7, 3, 20, 70, false, 0,  0,  Pause
            10,   0, 0,  0, 0, 0,  -,  false, 0,  0,  Advance(50)
            """)
    void decides(int wave, int inWave, int offline, int ready, int failed, int limit, Integer threshold, boolean rollback,
                 long soak, long elapsed, String expected) {
        RolloutDecision d = RolloutDecision.decide(policy(limit, threshold, rollback, soak), doc(RolloutState.ROLLING_OUT, wave),
                counts(inWave, offline, ready, failed), java.util.List.of(), T0, T0.plusSeconds(elapsed), java.time.Duration.ZERO);
        String got = switch (d) {
            case RolloutDecision.Advance a -> "Advance(" + a.percent() + ")";
            case RolloutDecision.Promote p -> "Promote";
            case RolloutDecision.Wait w -> "Wait";
            case RolloutDecision.Pause p -> "Pause";
            case RolloutDecision.Rollback r -> "Rollback";
        };
        assertThat(got).isEqualTo(expected);
    }

    @Test
    void aPausedOrStableAppIsLeftAlone() {
        for (RolloutState s : new RolloutState[] {RolloutState.PAUSED, RolloutState.STABLE, RolloutState.ROLLING_BACK}) {
            assertThat(RolloutDecision.decide(policy(0, null, false, 0), doc(s, 10), counts(10, 0, 10, 0), java.util.List.of(), T0, T0, java.time.Duration.ZERO))
                    .isInstanceOf(RolloutDecision.Wait.class);
        }
    }

    @Test
    void noWaveAdvancesBeforeTheRelaysCouldCountItNorWithoutTargetedSites() {
        RolloutPolicy p = policy(0, null, false, 0);
        DesiredDoc d = doc(RolloutState.ROLLING_OUT, 10);
        java.time.Duration settle = java.time.Duration.ofSeconds(3);
        assertThat(RolloutDecision.decide(p, d, counts(10, 0, 10, 0), java.util.List.of(), T0, T0.plusSeconds(1), settle))
                .isInstanceOf(RolloutDecision.Wait.class);
        assertThat(RolloutDecision.decide(p, d, counts(10, 0, 10, 0), java.util.List.of(), T0, T0.plusSeconds(3), settle))
                .isEqualTo(new RolloutDecision.Advance(50));
        IntentRollup nothingYet = IntentRollup.newBuilder().setApp("web").build();
        assertThat(RolloutDecision.decide(p, d, nothingYet, java.util.List.of(), T0, T0.plusSeconds(60), settle))
                .isInstanceOf(RolloutDecision.Wait.class);
        assertThat(RolloutDecision.decide(p, d, counts(10, 0, 8, 2), java.util.List.of(), T0, T0, settle))
                .as("failures act at once").isInstanceOf(RolloutDecision.Pause.class);
    }

    @Test
    void noWaveAdvancesNorPromotesWhileATargetedRegionIsSilentButFailuresStillAct() {
        RolloutPolicy p = policy(0, null, false, 0);
        IntentRollup healthy = counts(10, 0, 10, 0).toBuilder().setUnknown(40).build();
        RolloutDecision held = RolloutDecision.decide(p, doc(RolloutState.ROLLING_OUT, 10), healthy, java.util.List.of("eu"), T0,
                T0.plusSeconds(60), java.time.Duration.ZERO);
        assertThat(held).isEqualTo(new RolloutDecision.Wait("region(s) silent: eu (40 targeted sites unknown); waiting for "
                + "their rollup"));
        assertThat(RolloutDecision.decide(p, doc(RolloutState.ROLLING_OUT, 100), healthy, java.util.List.of("eu", "us"), T0,
                T0.plusSeconds(60), java.time.Duration.ZERO)).as("no promote either").isInstanceOf(RolloutDecision.Wait.class);
        assertThat(RolloutDecision.decide(p, doc(RolloutState.ROLLING_OUT, 10), healthy, java.util.List.of(), T0,
                T0.plusSeconds(60), java.time.Duration.ZERO)).as("heard again").isEqualTo(new RolloutDecision.Advance(50));
        assertThat(RolloutDecision.decide(p, doc(RolloutState.ROLLING_OUT, 10), counts(10, 0, 8, 2), java.util.List.of("eu"), T0,
                T0.plusSeconds(60), java.time.Duration.ZERO)).as("fresh regions' failures").isInstanceOf(RolloutDecision.Pause.class);
    }

    @Test
    void promoteAndRollbackRewriteTheDocAsTheySay() {
        DesiredDoc d = doc(RolloutState.ROLLING_OUT, 100).toBuilder().setIntentRevision(7).build();
        DesiredDoc promoted = RolloutController.promote(d);
        assertThat(promoted.getStable().getIntentRevision()).isEqualTo(7);
        assertThat(promoted.hasCandidate()).isFalse();
        assertThat(promoted.getRolloutState()).isEqualTo(RolloutState.STABLE);
        DesiredDoc rolledBack = RolloutController.rollback(d);
        assertThat(rolledBack.getStable().getIntentRevision()).isEqualTo(3);
        assertThat(rolledBack.hasCandidate()).isFalse();
        assertThat(rolledBack.getIntentRevision()).isEqualTo(3);
        assertThat(rolledBack.getWavePercent()).isEqualTo(100);
    }
}
