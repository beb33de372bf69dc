package io.cascade.hub.rollup;

import com.google.protobuf.Timestamp;
import io.cascade.proto.AppRollup;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.RevisionRollup;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Merges the regions' rollups and the apps' rollout fields into one {@link GlobalRollup}. Works on
 * aggregates only, never on sites: its cost is O(regions × apps × revisions per app).
 *
 * <ul>
 *   <li>Apps: every app with an app doc in KV {@code desired} (a live intent), sorted by app. A region's
 *       counts for an app are taken only while the hub holds that region's app doc: a withdrawn app, or
 *       a region no longer targeted, leaves the rollup at once, whatever the region last reported.
 *   <li>Counts: summed over regions per app, and per (app, intent revision) for the state counts;
 *       {@code desired_revision} is 0 in the sum. Sums saturate at the uint32 maximum.
 *   <li>Liveness: a region whose last rollup arrived more than {@value #STALE_AFTER_HEARTBEATS} × its
 *       heartbeat ago (default {@link #DEFAULT_HEARTBEAT}) is stale: its health says so with how long it
 *       has been silent, its sites count as unknown (not online, not offline), its targeted sites of each
 *       app count as {@code unknown} (in no other column), and each app it is targeted by names it in
 *       {@code stale_regions}.
 *   <li>Top errors: per (app, intent revision), each region's top messages summed by message, the
 *       {@value #TOP_ERRORS} largest kept (ties by message). Regions send only their own top 5, so a
 *       message that is 6th everywhere can be missing from the global list.
 *   <li>Region health: one entry per region that sent a rollup, sorted by region.
 * </ul>
 */
final class RollupMerge {

    static final int TOP_ERRORS = 5;
    static final int STALE_AFTER_HEARTBEATS = 3;
    /** The heartbeat of a region whose rollups do not say (relays from before it was sent). */
    static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private RollupMerge() {}

    static GlobalRollup merge(RegionRollups regions, AppRollouts rollouts, Instant now) {
        Map<String, AppSum> apps = new TreeMap<>();
        rollouts.apps().forEach(app -> apps.put(app, new AppSum(app)));
        Set<String> staleRegions = new TreeSet<>();
        GlobalRollup.Builder global = GlobalRollup.newBuilder().setComputedAt(timestamp(now));
        for (RegionRollups.Held held : regions.all()) {
            RegionRollup rollup = held.rollup();
            boolean stale = stale(held, now);
            for (IntentRollup intent : rollup.getIntentsList()) {
                if (rollouts.of(intent.getApp()).containsKey(rollup.getRegion())) {
                    apps.get(intent.getApp()).add(intent, stale);
                }
            }
            RegionHealth.Builder health = RegionHealth.newBuilder()
                    .setRegion(rollup.getRegion())
                    .setSequence(rollup.getSequence())
                    .setRelayTime(rollup.getRelayTime())
                    .setReceivedAt(timestamp(held.receivedAt()))
                    .setSilentFor(com.google.protobuf.util.Durations.fromNanos(silentFor(held, now).toNanos()))
                    .setStale(stale);
            if (stale) {
                staleRegions.add(rollup.getRegion());
                health.setSitesUnknown(saturated(Integer.toUnsignedLong(rollup.getSitesOnline())
                        + Integer.toUnsignedLong(rollup.getSitesOffline())));
            } else {
                health.setSitesOnline(rollup.getSitesOnline()).setSitesOffline(rollup.getSitesOffline());
            }
            global.addRegions(health);
        }
        for (AppSum sum : apps.values()) {
            AppRollup.Builder app = AppRollup.newBuilder().setCounts(sum.build());
            Map<String, AppRollouts.Rollout> byRegion = rollouts.of(sum.app);
            AppRollouts.describe(byRegion.values(), app);
            staleRegions.stream().filter(byRegion::containsKey).forEach(app::addStaleRegions);
            global.addApps(app);
        }
        return global.build();
    }

    /** Whether the region has been silent for more than {@value #STALE_AFTER_HEARTBEATS} × its heartbeat at {@code now}. */
    static boolean stale(RegionRollups.Held held, Instant now) {
        return silentFor(held, now).compareTo(staleAfter(held.rollup())) > 0;
    }

    /** How long a region may stay silent before it is stale. */
    static Duration staleAfter(RegionRollup rollup) {
        Duration heartbeat = rollup.hasHeartbeat()
                ? Duration.ofSeconds(rollup.getHeartbeat().getSeconds(), rollup.getHeartbeat().getNanos())
                : DEFAULT_HEARTBEAT;
        return (heartbeat.isNegative() || heartbeat.isZero() ? DEFAULT_HEARTBEAT : heartbeat).multipliedBy(STALE_AFTER_HEARTBEATS);
    }

    private static Duration silentFor(RegionRollups.Held held, Instant now) {
        Duration silent = Duration.between(held.receivedAt(), now);
        return silent.isNegative() ? Duration.ZERO : silent;
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
        long unknown;
        final Map<Long, RevisionSum> revisions = new TreeMap<>(Long::compareUnsigned);

        AppSum(String app) {
            this.app = app;
        }

        /** Adds one region's counts; a stale region's targeted sites are all unknown. */
        void add(IntentRollup part, boolean stale) {
            targeted += Integer.toUnsignedLong(part.getTargeted());
            inWave += Integer.toUnsignedLong(part.getInWave());
            if (stale) {
                unknown += Integer.toUnsignedLong(part.getTargeted());
                return;
            }
            unknown += Integer.toUnsignedLong(part.getUnknown());
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
                    .setNotReported(saturated(notReported))
                    .setUnknown(saturated(unknown));
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
