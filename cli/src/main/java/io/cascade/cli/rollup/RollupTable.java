package io.cascade.cli.rollup;

import io.cascade.proto.AppRollup;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RevisionRollup;
import java.io.PrintWriter;

/**
 * Renders a {@link GlobalRollup} as the tables {@code cascade status} and {@code cascade up} print. Every
 * targeted site is in exactly one column of its app's row: at the shown revision by state (READY,
 * PENDING, APPLYING, FAILED, DRIFTED), at any other revision (OTHER-REV: still on an older release, or on
 * a newer one after a rollback), OFFLINE, NO-REPORT, or UNKNOWN (its region is silent). A silent region
 * says so with how long ago it was last heard, and an app whose rollout waits on it says that too.
 */
public final class RollupTable {

    private RollupTable() {}

    public static void print(GlobalRollup rollup, PrintWriter out) {
        out.printf("%-20s %-12s %9s %5s %8s %6s %7s %8s %6s %7s %9s %7s %9s %7s%n", "APP", "ROLLOUT", "REVISION", "WAVE",
                "TARGETED", "READY", "PENDING", "APPLYING", "FAILED", "DRIFTED", "OTHER-REV", "OFFLINE", "NO-REPORT", "UNKNOWN");
        for (AppRollup app : rollup.getAppsList()) {
            IntentRollup c = app.getCounts();
            long current = app.hasCandidateIntentRevision() ? app.getCandidateIntentRevision() : app.getStableIntentRevision();
            RevisionRollup at = atRevision(c, current);
            long other = c.getRevisionsList().stream().filter(r -> r.getIntentRevision() != current)
                    .mapToLong(RollupTable::sites).sum();
            out.printf("%-20s %-12s %9d %4d%% %8d %6d %7d %8d %6d %7d %9d %7d %9d %7d%n", c.getApp(), app.getRolloutState(),
                    current, app.getWavePercent(), c.getTargeted(), at.getReady(), at.getPending(), at.getApplying(),
                    at.getFailed(), at.getDrifted(), other, c.getOffline(), c.getNotReported(), c.getUnknown());
            if (app.getStaleRegionsCount() > 0) {
                out.printf("    %s silent: its sites are unknown%s%n", String.join(", ", app.getStaleRegionsList()),
                        app.hasCandidateIntentRevision() ? "; the rollout waits for it" : "");
            }
            for (RevisionRollup r : c.getRevisionsList()) {
                r.getTopErrorsList().forEach(e -> out.printf("    revision %d: %d site(s) failed: %s%n",
                        r.getIntentRevision(), e.getCount(), e.getMessage()));
            }
        }
        out.println();
        out.printf("%-10s %8s %8s %8s %10s  %s%n", "REGION", "ONLINE", "OFFLINE", "UNKNOWN", "ROLLUP#", "LAST HEARD");
        for (RegionHealth h : rollup.getRegionsList()) {
            out.printf("%-10s %8d %8d %8d %10d  %s%n", h.getRegion(), h.getSitesOnline(), h.getSitesOffline(), h.getSitesUnknown(),
                    h.getSequence(), lastHeard(h));
        }
        out.flush();
    }

    /** "1 s ago", or "STALE: 42 s ago" for a silent region. */
    static String lastHeard(RegionHealth h) {
        String ago = h.getSilentFor().getSeconds() + " s ago";
        return h.getStale() ? "STALE: " + ago : ago;
    }

    private static long sites(RevisionRollup r) {
        return (long) r.getPending() + r.getApplying() + r.getReady() + r.getFailed() + r.getDrifted();
    }

    /** The counts of one revision (zeros when no site reports it). */
    public static RevisionRollup atRevision(IntentRollup counts, long revision) {
        return counts.getRevisionsList().stream().filter(r -> r.getIntentRevision() == revision).findFirst()
                .orElse(RevisionRollup.newBuilder().setIntentRevision(revision).build());
    }
}
