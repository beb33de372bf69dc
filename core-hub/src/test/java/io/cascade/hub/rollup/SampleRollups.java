package io.cascade.hub.rollup;

import com.google.protobuf.Timestamp;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.RevisionRollup;

/** Builders for the rollups a relay sends, kept short for the merge tests. */
final class SampleRollups {

    private SampleRollups() {}

    static RegionRollup region(String region, long sequence, long relaySeconds, IntentRollup... intents) {
        return RegionRollup.newBuilder()
                .setRegion(region)
                .setSequence(sequence)
                .setRelayTime(Timestamp.newBuilder().setSeconds(relaySeconds))
                .setSitesOnline(10)
                .setSitesOffline(1)
                .addAllIntents(java.util.List.of(intents))
                .build();
    }

    /** An app's counts in one region: targeted, in wave, offline, not reported, then its revisions. */
    static IntentRollup intent(String app, int targeted, int inWave, int offline, int notReported,
                               RevisionRollup... revisions) {
        return IntentRollup.newBuilder()
                .setApp(app)
                .setDesiredRevision(42)
                .setTargeted(targeted)
                .setInWave(inWave)
                .setOffline(offline)
                .setNotReported(notReported)
                .addAllRevisions(java.util.List.of(revisions))
                .build();
    }

    /** One revision's counts: pending, applying, ready, failed, drifted. */
    static RevisionRollup.Builder revision(long intentRevision, int pending, int applying, int ready, int failed, int drifted) {
        return RevisionRollup.newBuilder()
                .setIntentRevision(intentRevision)
                .setPending(pending)
                .setApplying(applying)
                .setReady(ready)
                .setFailed(failed)
                .setDrifted(drifted);
    }

    static ErrorCount error(String message, int count) {
        return ErrorCount.newBuilder().setMessage(message).setCount(count).build();
    }
}
