package io.cascade.hub.rollout;

import io.cascade.proto.DesiredDoc;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.RolloutState;
import io.cascade.proto.Wave;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What a running rollout should do next, from its policy, its desired doc and the rollup: a pure
 * function, so every rule is a table test.
 *
 * <ul>
 *   <li>Failures: the sites inside the wave that report FAILED at the candidate revision, as a share
 *       of the sites inside the wave. Past the policy's failure limit (0 %: any failure) the rollout
 *       pauses, or rolls back when the policy says so.</li>
 *   <li>Success: READY at the candidate revision as a share of the sites inside the wave (offline
 *       ones excluded: they cannot answer); at or above the threshold (default 100 %) and after the
 *       minimum soak, the next wave starts; after the last wave the candidate becomes stable.</li>
 *   <li>A wave with no site inside it (a small fleet) passes after its soak.</li>
 *   <li>No wave advances (nor is the candidate promoted) while a region the app targets is stale: its
 *       sites are unknown, and counting them as not ready or leaving them out would both be guesses.
 *       Failures reported by the fresh regions still pause or roll back.</li>
 *   <li>No wave advances before {@code settle} has passed since it started, nor while no site is
 *       counted as targeted: relays recount a wave when its doc reaches them and roll up at most
 *       every 500 ms, so counts read right after a step still describe the step before.</li>
 * </ul>
 */
sealed interface RolloutDecision {

    /** How a wait on silent regions begins. */
    String STALE_PREFIX = "region(s) silent: ";

    record Wait(String why) implements RolloutDecision {}

    record Advance(int percent) implements RolloutDecision {}

    record Promote() implements RolloutDecision {}

    record Pause(String why) implements RolloutDecision {}

    record Rollback(String why) implements RolloutDecision {}

    static RolloutDecision decide(RolloutPolicy policy, DesiredDoc doc, IntentRollup counts, List<String> staleRegions,
                                  Instant waveSince, Instant now, Duration settle) {
        if (doc.getRolloutState() != RolloutState.ROLLING_OUT || !doc.hasCandidate()) {
            return new Wait("no rollout running");
        }
        long candidate = doc.getCandidate().getIntentRevision();
        RevisionRollup at = counts.getRevisionsList().stream().filter(r -> r.getIntentRevision() == candidate)
                .findFirst().orElse(RevisionRollup.getDefaultInstance());
        long inWave = Math.max(0, (long) counts.getInWave() - counts.getOffline());
        if (at.getFailed() > 0) {
            long failedPct = inWave == 0 ? 100 : at.getFailed() * 100 / inWave;
            if (failedPct > policy.getFailureLimitPercent()) {
                String why = at.getFailed() + " of " + inWave + " sites in the " + doc.getWavePercent()
                        + "% wave failed revision " + candidate + " (limit " + policy.getFailureLimitPercent() + "%)";
                return policy.getAutoRollback() ? new Rollback(why) : new Pause(why);
            }
        }
        if (!staleRegions.isEmpty()) {
            return new Wait(STALE_PREFIX + String.join(", ", staleRegions) + " (" + counts.getUnknown()
                    + " targeted sites unknown); waiting for their rollup");
        }
        if (counts.getTargeted() == 0) {
            return new Wait("no site counted as targeted yet");
        }
        if (Duration.between(waveSince, now).compareTo(settle) < 0) {
            return new Wait("letting the relays count the " + doc.getWavePercent() + "% wave");
        }
        int threshold = policy.hasSuccessThresholdPercent() ? policy.getSuccessThresholdPercent() : 100;
        boolean healthy = inWave == 0 || at.getReady() * 100 >= threshold * inWave;
        if (!healthy) {
            return new Wait(at.getReady() + " of " + inWave + " sites ready");
        }
        Duration soak = Duration.ofSeconds(policy.getMinSoak().getSeconds(), policy.getMinSoak().getNanos());
        if (Duration.between(waveSince, now).compareTo(soak) < 0) {
            return new Wait("soaking until " + waveSince.plus(soak));
        }
        List<Integer> waves = policy.getWavesList().stream().map(Wave::getPercent).toList();
        for (int w : waves) {
            if (w > doc.getWavePercent()) {
                return new Advance(w);
            }
        }
        return new Promote();
    }
}
