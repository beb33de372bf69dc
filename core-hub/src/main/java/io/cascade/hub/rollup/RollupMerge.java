package io.cascade.hub.rollup;

import com.google.protobuf.Timestamp;
import io.cascade.proto.AppRollup;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.RevisionRollup;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Merges the regions' rollups and the apps' rollout fields into one {@link GlobalRollup}. Works on
 * aggregates only, never on sites: its cost is O(regions × apps × revisions per app).
 *
 * <ul>
 *   <li>Apps: every app with an app doc in KV {@code desired} (a live intent) or in any region's rollup
 *       (a withdrawn app stays until its relays drop it, without rollout fields), sorted by app.
 *   <li>Counts: summed over regions per app, and per (app, intent revision) for the state counts;
 *       {@code desired_revision} is 0 in the sum. Sums saturate at the uint32 maximum.
 *   <li>Top errors: per (app, intent revision), each region's top messages summed by message, the
 *       {@value #TOP_ERRORS} largest kept (ties by message). Regions send only their own top 5, so a
 *       message that is 6th everywhere can be missing from the global list.
 *   <li>Region health: one entry per region that sent a rollup, sorted by region.
 * </ul>
 */
final class RollupMerge {

    static final int TOP_ERRORS = 5;
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private RollupMerge() {}

    static GlobalRollup merge(RegionRollups regions, AppRollouts rollouts, Instant now) {
        Map<String, AppSum> apps = new TreeMap<>();
        rollouts.apps().forEach(app -> apps.put(app, new AppSum(app)));
        GlobalRollup.Builder global = GlobalRollup.newBuilder().setComputedAt(timestamp(now));
        for (RegionRollups.Held held : regions.all()) {
            RegionRollup rollup = held.rollup();
            for (IntentRollup intent : rollup.getIntentsList()) {
                apps.computeIfAbsent(intent.getApp(), AppSum::new).add(intent);
            }
            global.addRegions(RegionHealth.newBuilder()
                    .setRegion(rollup.getRegion())
                    .setSitesOnline(rollup.getSitesOnline())
                    .setSitesOffline(rollup.getSitesOffline())
                    .setSequence(rollup.getSequence())
                    .setRelayTime(rollup.getRelayTime())
                    .setReceivedAt(timestamp(held.receivedAt())));
        }
        for (AppSum sum : apps.values()) {
            AppRollup.Builder app = AppRollup.newBuilder().setCounts(sum.build());
            AppRollouts.describe(rollouts.of(sum.app).values(), app);
            global.addApps(app);
        }
        return global.build();
    }

    /** {@code parts} (one app's rollups of several regions) summed. */
    static IntentRollup sum(String app, Iterable<IntentRollup> parts) {
        AppSum sum = new AppSum(app);
        parts.forEach(sum::add);
        return sum.build();
    }

    static Timestamp timestamp(Instant at) {
        return Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()).build();
    }

    private static int saturated(long count) {
        return (int) Math.min(count, UINT32_MAX);
    }

    /** One app's counts being summed over regions. */
    private static final class AppSum {

        final String app;
        long targeted;
        long inWave;
        long offline;
        long notReported;
        final Map<Long, RevisionSum> revisions = new TreeMap<>(Long::compareUnsigned);

        AppSum(String app) {
            this.app = app;
        }

        void add(IntentRollup part) {
            targeted += Integer.toUnsignedLong(part.getTargeted());
            inWave += Integer.toUnsignedLong(part.getInWave());
            offline += Integer.toUnsignedLong(part.getOffline());
            notReported += Integer.toUnsignedLong(part.getNotReported());
            for (RevisionRollup revision : part.getRevisionsList()) {
                revisions.computeIfAbsent(revision.getIntentRevision(), r -> new RevisionSum()).add(revision);
            }
        }

        IntentRollup build() {
            IntentRollup.Builder out = IntentRollup.newBuilder()
                    .setApp(app)
                    .setTargeted(saturated(targeted))
                    .setInWave(saturated(inWave))
                    .setOffline(saturated(offline))
                    .setNotReported(saturated(notReported));
            revisions.forEach((revision, sum) -> out.addRevisions(sum.build(revision)));
            return out.build();
        }
    }

    /** One (app, intent revision)'s state counts and error messages being summed over regions. */
    private static final class RevisionSum {

        long pending;
        long applying;
        long ready;
        long failed;
        long drifted;
        final Map<String, Long> errors = new HashMap<>();

        void add(RevisionRollup part) {
            pending += Integer.toUnsignedLong(part.getPending());
            applying += Integer.toUnsignedLong(part.getApplying());
            ready += Integer.toUnsignedLong(part.getReady());
            failed += Integer.toUnsignedLong(part.getFailed());
            drifted += Integer.toUnsignedLong(part.getDrifted());
            for (ErrorCount error : part.getTopErrorsList()) {
                errors.merge(error.getMessage(), Integer.toUnsignedLong(error.getCount()), Long::sum);
            }
        }

        RevisionRollup build(long revision) {
            RevisionRollup.Builder out = RevisionRollup.newBuilder()
                    .setIntentRevision(revision)
                    .setPending(saturated(pending))
                    .setApplying(saturated(applying))
                    .setReady(saturated(ready))
                    .setFailed(saturated(failed))
                    .setDrifted(saturated(drifted));
            errors.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                            .thenComparing(Map.Entry.comparingByKey()))
                    .limit(TOP_ERRORS)
                    .forEach(e -> out.addTopErrors(ErrorCount.newBuilder()
                            .setMessage(e.getKey())
                            .setCount(saturated(e.getValue()))));
            return out.build();
        }
    }
}
