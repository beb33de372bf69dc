package io.cascade.hub.desired;

import com.google.protobuf.util.Timestamps;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Intent;
import io.cascade.proto.Release;
import io.cascade.proto.RolloutState;
import io.cascade.proto.Wave;
import java.time.Instant;

/**
 * Where a publish puts an app's rollout in one region: the desired doc rendered from the new intent and
 * the region's current doc. (Advancing, pausing and rolling back waves is the hub's wave controller's,
 * which works from the rollup; this only starts a rollout.)
 *
 * <ul>
 *   <li>No stable release in the region yet (first publish, a newly targeted region, or after a
 *       withdrawal), or a policy without waves (or one wave of 100%): the new release is stable at once;
 *       no candidate, wave 100, {@code STABLE}.
 *   <li>The new bundle equals the stable one (only target, overrides, policy or metadata changed): the
 *       new release is stable at once, as there is nothing to roll out; an earlier candidate is dropped.
 *   <li>Otherwise the region's stable release stays, the new release becomes the candidate at the first
 *       wave, {@code ROLLING_OUT}. A candidate that was still rolling out is replaced, not promoted.
 * </ul>
 */
final class Rollout {

    private Rollout() {}

    /**
     * The desired doc of {@code intent} (stored as {@code intentRevision}) in {@code region}.
     *
     * @param current the region's current doc for the app, or null when it has none
     * @param now when it is written: the first wave's start, if it starts one
     */
    static DesiredDoc render(String region, long intentRevision, Intent intent, DesiredDoc current, Instant now) {
        Release release = Release.newBuilder().setIntentRevision(intentRevision).setBundle(intent.getBundle()).build();
        DesiredDoc.Builder doc = DesiredDoc.newBuilder()
                .setApp(intent.getApp())
                .setRegion(region)
                .setIntentRevision(intentRevision);
        if (intent.hasTarget()) {
            doc.setTarget(intent.getTarget());
        }
        Release stable = current != null && current.hasStable() ? current.getStable() : null;
        int firstWave = intent.getRollout().getWavesList().stream().mapToInt(Wave::getPercent).findFirst().orElse(100);
        if (stable == null || firstWave == 100 || stable.getBundle().equals(intent.getBundle())) {
            return doc.setStable(release).setWavePercent(100).setRolloutState(RolloutState.STABLE).build();
        }
        return doc.setStable(stable)
                .setCandidate(release)
                .setWavePercent(firstWave)
                .setWaveStarted(Timestamps.fromMillis(now.toEpochMilli()))
                .setRolloutState(RolloutState.ROLLING_OUT)
                .build();
    }
}
