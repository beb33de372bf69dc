package io.cascade.cli.rollup;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Duration;
import io.cascade.proto.AppRollup;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionHealth;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutState;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code cascade status}'s table: every targeted site in one column, silent regions said. */
class RollupTableTest {

    @Test
    void everyTargetedSiteIsInExactlyOneColumnAndASilentRegionIsSaid() {
        IntentRollup counts = IntentRollup.newBuilder().setApp("web").setTargeted(100).setInWave(10).setOffline(3)
                .setNotReported(2).setUnknown(40)
                .addRevisions(RevisionRollup.newBuilder().setIntentRevision(5).setReady(44).setFailed(1))
                .addRevisions(RevisionRollup.newBuilder().setIntentRevision(7).setPending(1).setApplying(2).setReady(6)
                        .setFailed(1))
                .build();
        GlobalRollup rollup = GlobalRollup.newBuilder()
                .addApps(AppRollup.newBuilder().setCounts(counts).setRolloutState(RolloutState.ROLLING_OUT)
                        .setStableIntentRevision(5).setCandidateIntentRevision(7).setWavePercent(10).addStaleRegions("eu"))
                .addRegions(RegionHealth.newBuilder().setRegion("eu").setStale(true).setSitesUnknown(41)
                        .setSilentFor(Duration.newBuilder().setSeconds(42)).setSequence(9))
                .addRegions(RegionHealth.newBuilder().setRegion("us").setSitesOnline(58).setSitesOffline(3)
                        .setSilentFor(Duration.newBuilder().setSeconds(1)).setSequence(77))
                .build();
        StringWriter text = new StringWriter();
        RollupTable.print(rollup, new PrintWriter(text));
        List<String> lines = text.toString().lines().toList();

        List<String> header = Arrays.asList(lines.get(0).trim().split("\\s+"));
        List<String> row = Arrays.asList(lines.get(1).trim().split("\\s+"));
        assertThat(header).containsExactly("APP", "ROLLOUT", "REVISION", "WAVE", "TARGETED", "READY", "PENDING", "APPLYING",
                "FAILED", "DRIFTED", "OTHER-REV", "OFFLINE", "NO-REPORT", "UNKNOWN");
        assertThat(row).containsExactly("web", "ROLLING_OUT", "7", "10%", "100", "6", "1", "2", "1", "0", "45", "3", "2", "40");
        int columns = row.subList(5, row.size()).stream().mapToInt(Integer::parseInt).sum();
        assertThat(columns).as("the columns add up to TARGETED").isEqualTo(100);
        assertThat(lines.get(2)).isEqualTo("    eu silent: its sites are unknown; the rollout waits for it");
        assertThat(text.toString()).contains("eu                0        0       41          9  STALE: 42 s ago")
                .contains("us               58        3        0         77  1 s ago");
    }
}
