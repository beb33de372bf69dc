package io.cascade.relay.status;

import io.cascade.proto.AppState;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RevisionRollup;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The region's counters, one tally per app that has a desired doc. A targeted site adds to two
 * parts of its app's tally: its <em>membership</em> ({@code targeted}, {@code in_wave}) and its
 * <em>standing</em>, exactly one of {@code offline}, {@code not_reported} or a (intent revision,
 * state) count plus, for FAILED/DRIFTED with a message, that message's count. So
 * {@code targeted = offline + not_reported + Σ state counts} holds by construction.
 *
 * <p>Every change is a ±1 on one counter and is counted in {@link #mutations()}: the proof that a
 * report costs O(apps in it), not a recount over sites. Not thread-safe; the registry's lock guards it.
 */
final class Aggregate {

    static final int TOP_ERRORS = 5;

    private static final class Tally {
        final long desiredRevision;
        int targeted;
        int inWave;
        int offline;
        int notReported;
        final TreeMap<Long, RevisionTally> revisions = new TreeMap<>();

        Tally(long desiredRevision) {
            this.desiredRevision = desiredRevision;
        }
    }

    private static final class RevisionTally {
        final int[] byState = new int[AppState.DRIFTED_VALUE + 1];
        final Map<String, Integer> errors = new HashMap<>();
        int sites;
    }

    private final TreeMap<String, Tally> tallies = new TreeMap<>();
    private long mutations;

    /** Starts the app's tally over (empty) for a new desired revision. */
    void reset(String app, long desiredRevision) {
        tallies.put(app, new Tally(desiredRevision));
        mutations++;
    }

    void remove(String app) {
        if (tallies.remove(app) != null) {
            mutations++;
        }
    }

    /** Adds ({@code sign} +1) or removes (-1) a site's membership of the app's target. */
    void member(String app, boolean inWave, int sign) {
        Tally t = tallies.get(app);
        t.targeted += sign;
        mutations++;
        if (inWave) {
            t.inWave += sign;
            mutations++;
        }
    }

    /**
     * Adds ({@code sign} +1) or removes (-1) a targeted site's standing for the app: offline, not
     * reported ({@code report} null), or its report.
     */
    void stand(String app, boolean online, Site.AppReport report, int sign) {
        Tally t = tallies.get(app);
        mutations++;
        if (!online) {
            t.offline += sign;
            return;
        }
        if (report == null) {
            t.notReported += sign;
            return;
        }
        RevisionTally r = t.revisions.computeIfAbsent(report.intentRevision(), rev -> new RevisionTally());
        r.byState[report.state().getNumber()] += sign;
        r.sites += sign;
        if (report.hasError()) {
            r.errors.merge(report.message(), sign, (a, b) -> a + b == 0 ? null : a + b);
            mutations++;
        }
        if (r.sites == 0) {
            t.revisions.remove(report.intentRevision());
        }
    }

    /** Counter changes since creation. */
    long mutations() {
        return mutations;
    }

    /** One entry per app, sorted by app; revisions ascending; at most 5 top errors, by count descending. */
    List<IntentRollup> rollup() {
        List<IntentRollup> out = new ArrayList<>(tallies.size());
        tallies.forEach((app, t) -> {
            IntentRollup.Builder b = IntentRollup.newBuilder()
                    .setApp(app)
                    .setDesiredRevision(t.desiredRevision)
                    .setTargeted(t.targeted)
                    .setInWave(t.inWave)
                    .setOffline(t.offline)
                    .setNotReported(t.notReported);
            t.revisions.forEach((rev, r) -> b.addRevisions(RevisionRollup.newBuilder()
                    .setIntentRevision(rev)
                    .setPending(r.byState[AppState.PENDING_VALUE])
                    .setApplying(r.byState[AppState.APPLYING_VALUE])
                    .setReady(r.byState[AppState.READY_VALUE])
                    .setFailed(r.byState[AppState.FAILED_VALUE])
                    .setDrifted(r.byState[AppState.DRIFTED_VALUE])
                    .addAllTopErrors(topErrors(r.errors))));
            out.add(b.build());
        });
        return out;
    }

    private static List<ErrorCount> topErrors(Map<String, Integer> errors) {
        return errors.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                        .thenComparing(Map.Entry::getKey))
                .limit(TOP_ERRORS)
                .map(e -> ErrorCount.newBuilder().setMessage(e.getKey()).setCount(e.getValue()).build())
                .toList();
    }
}
