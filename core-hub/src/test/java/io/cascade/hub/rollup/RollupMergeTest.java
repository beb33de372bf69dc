package io.cascade.hub.rollup;

import static io.cascade.hub.rollup.SampleRollups.error;
import static io.cascade.hub.rollup.SampleRollups.intent;
import static io.cascade.hub.rollup.SampleRollups.region;
import static io.cascade.hub.rollup.SampleRollups.revision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.cascade.hub.rollup.AppRollouts.Rollout;
import io.cascade.proto.AppRollup;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The merge of region rollups and rollout fields into the global rollup, on the numbers a user sees. */
class RollupMergeTest {

    private static final Instant NOW = Instant.parse("2025-01-01T10:00:00Z");

    private final RegionRollups regions = new RegionRollups();
    private final AppRollouts rollouts = new AppRollouts();

    @Test
    void twoRegionsAreSummedPerAppAndPerRevisionWhereTheirRevisionsOverlap() {
        regions.offer(region("eu", 1, 100,
                intent("web", 3, 3, 1, 0,
                        revision(5, 0, 0, 1, 0, 0).build(),
                        revision(7, 0, 1, 0, 0, 0).build())), NOW);
        regions.offer(region("us", 1, 100,
                intent("web", 4, 2, 0, 1,
                        revision(7, 1, 0, 1, 0, 0).build(),
                        revision(9, 0, 0, 0, 0, 1).build())), NOW);

        IntentRollup web = merge().getApps(0).getCounts();

        assertThat(web.getApp()).isEqualTo("web");
        assertThat(web.getDesiredRevision()).as("0 in a sum over regions").isZero();
        assertThat(List.of(web.getTargeted(), web.getInWave(), web.getOffline(), web.getNotReported()))
                .containsExactly(7, 5, 1, 1);
        assertThat(web.getRevisionsList()).extracting(RevisionRollup::getIntentRevision).containsExactly(5L, 7L, 9L);
        assertThat(web.getRevisions(1)).isEqualTo(revision(7, 1, 1, 1, 0, 0).build());
        assertThat(web.getRevisions(0)).isEqualTo(revision(5, 0, 0, 1, 0, 0).build());
        assertThat(web.getRevisions(2)).isEqualTo(revision(9, 0, 0, 0, 0, 1).build());
    }

    @Test
    void topErrorsAreSummedByMessageAndTheFiveLargestKept() {
        RevisionRollup eu = revision(7, 0, 0, 0, 11, 0)
                .addTopErrors(error("ImagePullBackOff", 5)).addTopErrors(error("quota exceeded", 3))
                .addTopErrors(error("disk full", 1)).addTopErrors(error("cert expired", 1)).addTopErrors(error("oom", 1))
                .build();
        RevisionRollup us = revision(7, 0, 0, 0, 8, 0)
                .addTopErrors(error("quota exceeded", 4)).addTopErrors(error("timeout", 2))
                .addTopErrors(error("bad manifest", 2))
                .build();
        regions.offer(region("eu", 1, 100, intent("web", 11, 11, 0, 0, eu)), NOW);
        regions.offer(region("us", 1, 100, intent("web", 8, 8, 0, 0, us)), NOW);

        RevisionRollup merged = merge().getApps(0).getCounts().getRevisions(0);

        assertThat(merged.getFailed()).isEqualTo(19);
        assertThat(merged.getTopErrorsList()).extracting(ErrorCount::getMessage, ErrorCount::getCount).containsExactly(
                tuple("quota exceeded", 7),
                tuple("ImagePullBackOff", 5),
                tuple("bad manifest", 2),
                tuple("timeout", 2),
                tuple("cert expired", 1));
    }

    @Test
    void aStaleRollupDoesNotChangeTheSumsAndARestartedRelaysDoes() {
        regions.offer(region("eu", 10, 100, intent("web", 3, 3, 0, 0, revision(5, 0, 0, 3, 0, 0).build())), NOW);
        regions.offer(region("eu", 9, 99, intent("web", 3, 3, 0, 0, revision(5, 3, 0, 0, 0, 0).build())), NOW);

        assertThat(merge().getApps(0).getCounts().getRevisions(0).getReady()).as("stale rollup ignored").isEqualTo(3);
        assertThat(merge().getRegions(0).getSequence()).isEqualTo(10);

        regions.offer(region("eu", 1, 130, intent("web", 3, 3, 0, 0, revision(5, 0, 3, 0, 0, 0).build())), NOW);

        assertThat(merge().getApps(0).getCounts().getRevisions(0).getApplying()).as("restarted relay taken").isEqualTo(3);
        assertThat(merge().getRegions(0).getSequence()).isEqualTo(1);
    }

    @Test
    void eachRegionReportsItsHealthSortedByRegion() {
        regions.offer(region("us", 4, 200), NOW.plusSeconds(2));
        regions.offer(region("eu", 8, 199), NOW.plusSeconds(1));

        GlobalRollup global = merge();

        assertThat(global.getComputedAt().getSeconds()).isEqualTo(NOW.getEpochSecond());
        assertThat(global.getRegionsList()).extracting(RegionHealth::getRegion).containsExactly("eu", "us");
        RegionHealth eu = global.getRegions(0);
        assertThat(List.of(eu.getSitesOnline(), eu.getSitesOffline())).containsExactly(10, 1);
        assertThat(eu.getSequence()).isEqualTo(8);
        assertThat(eu.getRelayTime().getSeconds()).isEqualTo(199);
        assertThat(eu.getReceivedAt().getSeconds()).isEqualTo(NOW.getEpochSecond() + 1);
    }

    @Test
    void appsComeFromDocsAndFromRollupsSortedWithTheirRolloutFields() {
        rollouts.put("eu", "web", new Rollout(RolloutState.ROLLING_OUT, 5, 7, 10));
        rollouts.put("us", "web", new Rollout(RolloutState.ROLLING_OUT, 5, 7, 50));
        rollouts.put("eu", "api", new Rollout(RolloutState.STABLE, 3, 0, 100));
        regions.offer(region("eu", 1, 100, intent("web", 2, 1, 0, 0), intent("gone", 1, 1, 0, 0)), NOW);

        GlobalRollup global = merge();

        assertThat(global.getAppsList()).extracting(a -> a.getCounts().getApp()).containsExactly("api", "gone", "web");
        AppRollup api = global.getApps(0);
        assertThat(api.getCounts()).as("published, no region reports it yet")
                .isEqualTo(IntentRollup.newBuilder().setApp("api").build());
        assertThat(api.getRolloutState()).isEqualTo(RolloutState.STABLE);
        assertThat(api.getStableIntentRevision()).isEqualTo(3);
        assertThat(api.hasCandidateIntentRevision()).isFalse();
        AppRollup gone = global.getApps(1);
        assertThat(gone.getRolloutState()).as("withdrawn: no app doc left").isEqualTo(RolloutState.ROLLOUT_STATE_UNSPECIFIED);
        assertThat(gone.getCounts().getTargeted()).isEqualTo(1);
        AppRollup web = global.getApps(2);
        assertThat(web.getRolloutState()).isEqualTo(RolloutState.ROLLING_OUT);
        assertThat(web.getStableIntentRevision()).isEqualTo(5);
        assertThat(web.getCandidateIntentRevision()).isEqualTo(7);
        assertThat(web.getWavePercent()).as("regions disagree: the lowest wave").isEqualTo(10);
    }

    @Test
    void disagreeingRegionsShowTheLeastAdvancedOne() {
        assertThat(describe(new Rollout(RolloutState.ROLLING_OUT, 5, 7, 50), new Rollout(RolloutState.PAUSED, 5, 7, 25)))
                .isEqualTo(AppRollup.newBuilder().setRolloutState(RolloutState.PAUSED).setStableIntentRevision(5)
                        .setCandidateIntentRevision(7).setWavePercent(25).build());
        // a region targeted since the rollout began runs the new release as stable, without a candidate
        assertThat(describe(new Rollout(RolloutState.ROLLING_OUT, 5, 7, 20), new Rollout(RolloutState.STABLE, 7, 0, 100)))
                .isEqualTo(AppRollup.newBuilder().setRolloutState(RolloutState.ROLLING_OUT).setStableIntentRevision(5)
                        .setCandidateIntentRevision(7).setWavePercent(20).build());
        // the first rollout of a new app: no stable release yet
        assertThat(describe(new Rollout(RolloutState.ROLLING_OUT, 0, 3, 10)).getStableIntentRevision()).isZero();
        // rolling back: the candidate is gone, whatever a slower region still says
        AppRollup back = describe(new Rollout(RolloutState.ROLLING_BACK, 5, 0, 100), new Rollout(RolloutState.PAUSED, 5, 7, 30));
        assertThat(back.getRolloutState()).isEqualTo(RolloutState.ROLLING_BACK);
        assertThat(back.hasCandidateIntentRevision()).isFalse();
    }

    @Test
    void aDeletedAppDocLeavesTheOtherRegionsRollout() {
        rollouts.put("eu", "web", new Rollout(RolloutState.PAUSED, 5, 7, 10));
        rollouts.put("us", "web", new Rollout(RolloutState.ROLLING_OUT, 5, 7, 50));

        assertThat(rollouts.remove("eu", "web")).isTrue();
        assertThat(merge().getApps(0).getRolloutState()).isEqualTo(RolloutState.ROLLING_OUT);
        assertThat(rollouts.remove("us", "web")).isTrue();
        assertThat(merge().getAppsList()).isEmpty();
    }

    private GlobalRollup merge() {
        return RollupMerge.merge(regions, rollouts, NOW);
    }

    private static AppRollup describe(Rollout... regions) {
        AppRollup.Builder app = AppRollup.newBuilder();
        AppRollouts.describe(List.of(regions), app);
        return app.build();
    }
}
