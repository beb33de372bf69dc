package io.cascade.relay.status;

import com.google.protobuf.Duration;
import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.LabelSelector;
import io.cascade.proto.Release;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.Target;
import io.cascade.relay.fanout.DesiredView;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.stream.Collectors;

/** Builders for reports and desired docs, and a readable form of an app's counts, for the status tests. */
public final class StatusFixtures {

    private StatusFixtures() {}

    /** A clock the test moves by hand. */
    public static final class TestClock extends Clock {
        private Instant now = Instant.parse("2030-01-01T00:00:00Z");

        @Override
        public Instant instant() {
            return now;
        }

        public void advance(java.time.Duration d) {
            now = now.plus(d);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    public static AppStatus app(String app, long rev, AppState state) {
        return app(app, rev, state, "");
    }

    public static AppStatus app(String app, long rev, AppState state, String message) {
        return AppStatus.newBuilder().setApp(app).setIntentRevision(rev).setState(state).setMessage(message).build();
    }

    /** A full report of {@code site} in region eu. */
    public static SiteStatus report(String site, long seq, Map<String, String> labels, AppStatus... apps) {
        return SiteStatus.newBuilder().setSite(site).setRegion("eu").putAllLabels(labels).setOutboxSequence(seq)
                .addAllApps(java.util.List.of(apps)).build();
    }

    public static SiteStatus heartbeat(String site, long seq, Map<String, String> labels) {
        return SiteStatus.newBuilder().setSite(site).setRegion("eu").putAllLabels(labels).setOutboxSequence(seq)
                .setHeartbeatOnly(true).build();
    }

    public static SiteStatus withHeartbeat(SiteStatus s, java.time.Duration interval) {
        return s.toBuilder().setHeartbeatInterval(Duration.newBuilder().setSeconds(interval.getSeconds())
                .setNanos(interval.getNano())).build();
    }

    /** A desired doc for {@code app} targeting sites with {@code matchLabels}; a candidate at {@code wave} % if wave ≥ 0. */
    public static DesiredDoc doc(String app, long intentRevision, Map<String, String> matchLabels, int wave) {
        DesiredDoc.Builder d = DesiredDoc.newBuilder().setApp(app).setRegion("eu").setIntentRevision(intentRevision)
                .setStable(Release.newBuilder().setIntentRevision(intentRevision))
                .setTarget(Target.newBuilder().setSelector(LabelSelector.newBuilder().putAllMatchLabels(matchLabels)));
        if (wave >= 0) {
            d.setCandidate(Release.newBuilder().setIntentRevision(intentRevision + 1)).setWavePercent(wave);
        }
        return d.build();
    }

    public static DesiredView.Entry entry(String app, long desiredRevision, DesiredDoc doc) {
        return new DesiredView.Entry("eu.app." + app, desiredRevision, false, doc.toByteArray(),
                new DesiredView.Chain(true, null, app));
    }

    /** e.g. {@code targeted=3 inWave=3 offline=0 notReported=1 r1[ready=2]}. */
    public static String counts(IntentRollup r) {
        StringBuilder b = new StringBuilder("targeted=" + r.getTargeted() + " inWave=" + r.getInWave() + " offline="
                + r.getOffline() + " notReported=" + r.getNotReported());
        for (RevisionRollup rev : r.getRevisionsList()) {
            Map<String, Integer> states = new java.util.LinkedHashMap<>();
            states.put("pending", rev.getPending());
            states.put("applying", rev.getApplying());
            states.put("ready", rev.getReady());
            states.put("failed", rev.getFailed());
            states.put("drifted", rev.getDrifted());
            b.append(" r").append(rev.getIntentRevision()).append('[')
                    .append(states.entrySet().stream().filter(e -> e.getValue() > 0)
                            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")))
                    .append(']');
        }
        return b.toString();
    }
}
