package io.cascade.relay.status;

import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.MaintenanceWindow;
import io.cascade.proto.SiteStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * What the relay knows about one site: its latest report (heartbeats merged in), the per-app
 * reports of its last full report, liveness, and which apps' docs target it. Mutable; guarded by
 * the {@link SiteRegistry}'s lock.
 */
final class Site {

    /** One app's line of the site's last full report. */
    record AppReport(long intentRevision, AppState state, String message) {

        static AppReport of(AppStatus a) {
            return new AppReport(a.getIntentRevision(), a.getState(), a.getMessage());
        }

        boolean hasError() {
            return (state == AppState.FAILED || state == AppState.DRIFTED) && !message.isEmpty();
        }
    }

    final String id;
    SiteStatus record = SiteStatus.getDefaultInstance();
    Map<String, String> labels = Map.of();
    Map<String, AppReport> apps = Map.of();
    Duration heartbeat = SiteRegistry.DEFAULT_HEARTBEAT;
    Instant lastSeen = Instant.EPOCH;
    boolean online;
    /** The status bucket's revision of {@link #record}; 0 while it is not known to be stored. */
    long revision;
    /** App → whether the site is inside that app's current wave; only apps whose doc targets the site. */
    final Map<String, Boolean> targeted = new HashMap<>();

    Site(String id) {
        this.id = id;
    }

    /** Silent for more than 3 heartbeats and not inside an announced maintenance window. */
    boolean silentAt(Instant now) {
        boolean quiet = now.isAfter(lastSeen.plus(heartbeat.multipliedBy(SiteRegistry.OFFLINE_AFTER_HEARTBEATS)));
        return quiet && !inMaintenance(now);
    }

    private boolean inMaintenance(Instant now) {
        if (!record.hasMaintenance()) {
            return false;
        }
        MaintenanceWindow w = record.getMaintenance();
        Instant start = Instant.ofEpochSecond(w.getStart().getSeconds(), w.getStart().getNanos());
        Instant end = Instant.ofEpochSecond(w.getEnd().getSeconds(), w.getEnd().getNanos());
        return !now.isBefore(start) && now.isBefore(end);
    }

    /** The report's heartbeat interval: the default when unset, at most 10 minutes. */
    static Duration heartbeatOf(SiteStatus s) {
        if (!s.hasHeartbeatInterval()) {
            return SiteRegistry.DEFAULT_HEARTBEAT;
        }
        Duration d = Duration.ofSeconds(s.getHeartbeatInterval().getSeconds(), s.getHeartbeatInterval().getNanos());
        if (d.isNegative() || d.isZero()) {
            return SiteRegistry.DEFAULT_HEARTBEAT;
        }
        return d.compareTo(SiteRegistry.MAX_HEARTBEAT) > 0 ? SiteRegistry.MAX_HEARTBEAT : d;
    }

    static Map<String, AppReport> appsOf(SiteStatus s) {
        Map<String, AppReport> out = new HashMap<>();
        for (AppStatus a : s.getAppsList()) {
            out.put(a.getApp(), AppReport.of(a));
        }
        return out;
    }
}
