package io.cascade.hub.rollup;

import io.cascade.proto.AppRollup;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.RolloutState;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where each app's rollout stands in each region, as the hub's own KV {@code desired} app docs
 * ({@code <region>.app.<app>}) say; only the few rollout fields are kept, never the bundles. Not
 * thread-safe: only the rollup intake thread touches it.
 *
 * <p>The hub writes an app's docs region by region, and a newly targeted region starts without a
 * stable release, so regions can disagree for a while. The app then shows its least advanced region
 * (see {@link #describe}).
 */
final class AppRollouts {

    /** The rollout fields of one region's app doc. {@code candidate} is 0 when the doc has none. */
    record Rollout(RolloutState state, long stable, long candidate, int wavePercent) {

        static Rollout of(DesiredDoc doc) {
            return new Rollout(doc.getRolloutState(), doc.hasStable() ? doc.getStable().getIntentRevision() : 0,
                    doc.hasCandidate() ? doc.getCandidate().getIntentRevision() : 0, doc.getWavePercent());
        }

        boolean hasCandidate() {
            return candidate != 0;
        }
    }

    private final Map<String, Map<String, Rollout>> byApp = new HashMap<>();

    /** Records the app's rollout in {@code region}; true if it changed. */
    boolean put(String region, String app, Rollout rollout) {
        return !rollout.equals(byApp.computeIfAbsent(app, a -> new TreeMap<>()).put(region, rollout));
    }

    /** Forgets the app in {@code region} (its doc was deleted); true if it was known. */
    boolean remove(String region, String app) {
        Map<String, Rollout> regions = byApp.get(app);
        if (regions == null || regions.remove(region) == null) {
            return false;
        }
        if (regions.isEmpty()) {
            byApp.remove(app);
        }
        return true;
    }

    /** The apps with an app doc in at least one region. */
    Set<String> apps() {
        return Collections.unmodifiableSet(byApp.keySet());
    }

    /** The app's rollout by region; empty when it has no doc. */
    Map<String, Rollout> of(String app) {
        return Collections.unmodifiableMap(byApp.getOrDefault(app, Map.of()));
    }

    /**
     * Sets the rollout fields of {@code into} from the app's regions; leaves them unset when there are
     * none. Where regions disagree, the least advanced one shows:
     * <ul>
     *   <li>{@code rollout_state}: the one most in need of attention, ROLLING_BACK over PAUSED over
     *       ROLLING_OUT over STABLE;
     *   <li>{@code stable_intent_revision}: the lowest (0 if a region has no stable release yet);
     *   <li>{@code candidate_intent_revision}: only in ROLLING_OUT and PAUSED, the lowest of the regions
     *       that carry one;
     *   <li>{@code wave_percent}: the lowest of the regions that carry a candidate, else the lowest of all.
     * </ul>
     */
    static void describe(Collection<Rollout> regions, AppRollup.Builder into) {
        if (regions.isEmpty()) {
            return;
        }
        RolloutState state = RolloutState.ROLLOUT_STATE_UNSPECIFIED;
        long stable = Long.MAX_VALUE;
        long candidate = Long.MAX_VALUE;
        int wave = Integer.MAX_VALUE;
        int waveWithCandidate = Integer.MAX_VALUE;
        for (Rollout r : regions) {
            if (urgency(r.state()) > urgency(state)) {
                state = r.state();
            }
            stable = Math.min(stable, r.stable());
            wave = Math.min(wave, r.wavePercent());
            if (r.hasCandidate()) {
                candidate = Math.min(candidate, r.candidate());
                waveWithCandidate = Math.min(waveWithCandidate, r.wavePercent());
            }
        }
        into.setRolloutState(state)
                .setStableIntentRevision(stable)
                .setWavePercent(waveWithCandidate != Integer.MAX_VALUE ? waveWithCandidate : wave);
        boolean rolling = state == RolloutState.ROLLING_OUT || state == RolloutState.PAUSED;
        if (rolling && candidate != Long.MAX_VALUE) {
            into.setCandidateIntentRevision(candidate);
        }
    }

    private static int urgency(RolloutState state) {
        return switch (state) {
            case ROLLING_BACK -> 4;
            case PAUSED -> 3;
            case ROLLING_OUT -> 2;
            case STABLE -> 1;
            case ROLLOUT_STATE_UNSPECIFIED, UNRECOGNIZED -> 0;
        };
    }
}
