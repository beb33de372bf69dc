package io.cascade.cli.rollup;

import io.cascade.proto.AppRollup;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RevisionRollup;
import java.io.PrintWriter;

/** Renders a {@link GlobalRollup} as the tables {@code cascade status} and {@code cascade up} print. */
public final class RollupTable {

    private RollupTable() {}

    public static void print(GlobalRollup rollup, PrintWriter out) {
        out.printf("%-20s %-12s %9s %5s %8s %6s %8s %6s %7s %7s %9s%n", "APP", "ROLLOUT", "REVISION", "WAVE",
                "TARGETED", "READY", "APPLYING", "FAILED", "DRIFTED", "OFFLINE", "NO-REPORT");
        for (AppRollup app : rollup.getAppsList()) {
            IntentRollup c = app.getCounts();
            long current = app.hasCandidateIntentRevision() ? app.getCandidateIntentRevision() : app.getStableIntentRevision();
            RevisionRollup at = atRevision(c, current);
            out.printf("%-20s %-12s %9d %4d%% %8d %6d %8d %6d %7d %7d %9d%n", c.getApp(), app.getRolloutState(), current,
                    app.getWavePercent(), c.getTargeted(), at.getReady(), at.getApplying(), at.getFailed(), at.getDrifted(),
                    c.getOffline(), c.getNotReported());
            for (RevisionRollup r : c.getRevisionsList()) {
                r.getTopErrorsList().forEach(e -> out.printf("    revision %d: %d site(s) failed: %s%n",
                        r.getIntentRevision(), e.getCount(), e.getMessage()));
            }
        }
        out.println();
        out.printf("%-10s %8s %8s %10s%n", "REGION", "ONLINE", "OFFLINE", "ROLLUP#");
        for (RegionHealth h : rollup.getRegionsList()) {
            out.printf("%-10s %8d %8d %10d%n", h.getRegion(), h.getSitesOnline(), h.getSitesOffline(), h.getSequence());
        }
        out.flush();
    }

    /** The counts of one revision (zeros when no site reports it). */
    public static RevisionRollup atRevision(IntentRollup counts, long revision) {
        return counts.getRevisionsList().stream().filter(r -> r.getIntentRevision() == revision).findFirst()
                .orElse(RevisionRollup.newBuilder().setIntentRevision(revision).build());
    }
}
