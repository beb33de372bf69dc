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
import io.cascade.proto.RegionRollup;
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
        targeted("web", "eu", "us");
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
        targeted("web", "eu", "us");
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
        targeted("web", "eu");
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

        assertThat(global.getAppsList()).as("gone: withdrawn, whatever eu last said")
                .extracting(a -> a.getCounts().getApp()).containsExactly("api", "web");
        AppRollup api = global.getApps(0);
        assertThat(api.getCounts()).as("published, no region reports it yet")
                .isEqualTo(IntentRollup.newBuilder().setApp("api").build());
        assertThat(api.getRolloutState()).isEqualTo(RolloutState.STABLE);
        assertThat(api.getStableIntentRevision()).isEqualTo(3);
        assertThat(api.hasCandidateIntentRevision()).isFalse();
        AppRollup web = global.getApps(1);
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

    @Test
    void aRegionsCountsLeaveAtOnceWhenItsAppDocIsDeleted() {
        targeted("web", "eu", "us");
        regions.offer(region("eu", 1, 100, intent("web", 3, 3, 0, 0, revision(5, 0, 0, 3, 0, 0).build())), NOW);
        regions.offer(region("us", 1, 100, intent("web", 2, 2, 0, 0, revision(5, 0, 0, 2, 0, 0).build())), NOW);
        assertThat(merge().getApps(0).getCounts().getTargeted()).isEqualTo(5);

        rollouts.remove("eu", "web");
        IntentRollup web = merge().getApps(0).getCounts();
        assertThat(web.getTargeted()).as("eu no longer targeted: only us counts").isEqualTo(2);
        assertThat(web.getRevisions(0).getReady()).isEqualTo(2);
        rollouts.remove("us", "web");
        assertThat(merge().getAppsList()).as("withdrawn everywhere").isEmpty();
    }

    @Test
    void aRegionSilentPastThreeHeartbeatsIsStaleItsSitesUnknownAndFreshWhenHeardAgain() {
        targeted("web", "eu", "us");
        RegionRollup eu = region("eu", 1, 100, intent("web", 30, 30, 2, 3, revision(5, 0, 0, 20, 0, 0).build(),
                revision(7, 1, 1, 2, 1, 0).build())).toBuilder()
                .setHeartbeat(com.google.protobuf.Duration.newBuilder().setSeconds(3)).build();
        regions.offer(eu, NOW.minusSeconds(9));
        regions.offer(region("us", 1, 100, intent("web", 10, 10, 1, 0, revision(7, 0, 0, 9, 0, 0).build())), NOW.minusSeconds(9));

        GlobalRollup atBound = merge();
        assertThat(atBound.getRegions(0).getStale()).as("9 s = 3 x its 3 s heartbeat: not yet").isFalse();
        assertThat(atBound.getRegions(1).getStale()).as("us: no heartbeat sent, 10 s default").isFalse();
        assertAddsUp(atBound.getApps(0).getCounts());

        GlobalRollup later = RollupMerge.merge(regions, rollouts, NOW.plusMillis(1));
        RegionHealth euHealth = later.getRegions(0);
        assertThat(euHealth.getStale()).isTrue();
        assertThat(euHealth.getSilentFor().getSeconds()).isEqualTo(9);
        assertThat(List.of(euHealth.getSitesOnline(), euHealth.getSitesOffline(), euHealth.getSitesUnknown()))
                .as("online, offline, unknown").containsExactly(0, 0, 11);
        assertThat(later.getRegions(1).getStale()).isFalse();
        assertThat(later.getRegions(1).getSitesOnline()).isEqualTo(10);
        AppRollup web = later.getApps(0);
        assertThat(web.getStaleRegionsList()).containsExactly("eu");
        IntentRollup c = web.getCounts();
        assertThat(List.of(c.getTargeted(), c.getUnknown(), c.getOffline(), c.getNotReported())).containsExactly(40, 30, 1, 0);
        assertThat(c.getRevisionsList()).as("only us's sites in the state columns")
                .containsExactly(revision(7, 0, 0, 9, 0, 0).build());
        assertAddsUp(c);

        regions.offer(eu.toBuilder().setSequence(2).build(), NOW);
        GlobalRollup heard = RollupMerge.merge(regions, rollouts, NOW.plusSeconds(1));
        assertThat(heard.getRegions(0).getStale()).isFalse();
        assertThat(heard.getApps(0).getStaleRegionsList()).isEmpty();
        assertThat(heard.getApps(0).getCounts().getUnknown()).isZero();
        assertAddsUp(heard.getApps(0).getCounts());
    }

    /** Every targeted site in exactly one column. */
    private static void assertAddsUp(IntentRollup c) {
        long states = c.getRevisionsList().stream().mapToLong(r -> (long) r.getPending() + r.getApplying() + r.getReady()
                + r.getFailed() + r.getDrifted()).sum();
        assertThat((long) c.getUnknown() + c.getOffline() + c.getNotReported() + states).as("columns of " + c)
                .isEqualTo(c.getTargeted());
    }

    private void targeted(String app, String... in) {
        for (String region : in) {
            rollouts.put(region, app, new Rollout(RolloutState.STABLE, 5, 0, 100));
        }
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
