package io.cascade.relay.status;

import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.SiteStatus;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * What a report means against the site's previous record: stale (an outbox sequence below the one
 * recorded and a report time no newer: acknowledged, not applied), a change to record durably, or
 * only a sign of life (every heartbeat, whatever its sequence).
 *
 * @param kind   what to do with it
 * @param record the site's record after this report: heartbeats keep the apps of the last full
 *               report and take everything else from the heartbeat; for a stale report, the
 *               previous record unchanged
 */
record Admission(Kind kind, SiteStatus record) {

    enum Kind {
        /** Older than what is recorded: acknowledge so the edge clears it, change nothing. */
        STALE,
        /** Changes what is recorded (apps, labels, sequence, interval, window): persist, apply, acknowledge. */
        RECORD,
        /** Only liveness (and the edge's clock) changed: apply and acknowledge without a write. */
        REFRESH
    }


    /** The admission of {@code report} when the site's current record is {@code previous} (null: unknown site). */
    static Admission of(SiteStatus previous, SiteStatus report) {
        boolean lowerSequence = previous != null && report.getOutboxSequence() < previous.getOutboxSequence();
        if (lowerSequence && report.getHeartbeatOnly()) {
            // a heartbeat carries the last sequence the edge knows acknowledged (0 after its restart):
            // it is a sign of life, never a step back
            return new Admission(Kind.REFRESH, previous.toBuilder().setReportedAt(report.getReportedAt()).build());
        }
        if (lowerSequence && !newer(report, previous)) {
            return new Admission(Kind.STALE, previous);
        }
        // a lower sequence with a newer report time: the edge's journal started over (moved aside as
        // corrupt); its numbering restarts, its state is current
        SiteStatus record = report;
        if (report.getHeartbeatOnly() && previous != null) {
            record = report.toBuilder()
                    .clearApps()
                    .addAllApps(previous.getAppsList())
                    .setHeartbeatOnly(previous.getHeartbeatOnly())
                    .build();
        }
        boolean durable = previous == null || !withoutClock(previous).equals(withoutClock(record));
        return new Admission(durable ? Kind.RECORD : Kind.REFRESH, record);
    }

    private static boolean newer(SiteStatus report, SiteStatus previous) {
        var a = report.getReportedAt();
        var b = previous.getReportedAt();
        return a.getSeconds() > b.getSeconds() || (a.getSeconds() == b.getSeconds() && a.getNanos() > b.getNanos());
    }

    private static SiteStatus withoutClock(SiteStatus s) {
        return s.toBuilder().clearReportedAt().build();
    }

    /**
     * Why a report on {@code cascade.status.<region>.<siteToken>} must be ignored, or empty when it
     * is well-formed: the site must match the subject and be a DNS label, the region must be this
     * one, and every app line must name an app once with a real state.
     */
    static Optional<String> problem(String region, String siteToken, SiteStatus s) {
        if (!s.getSite().equals(siteToken)) {
            return Optional.of("report on the subject of site " + siteToken + " names site \"" + s.getSite() + "\"");
        }
        if (!io.cascade.topology.DnsLabel.isValid(s.getSite())) {
            return Optional.of("site id \"" + s.getSite() + "\" is not a DNS label");
        }
        if (!s.getRegion().equals(region)) {
            return Optional.of("report of site " + s.getSite() + " names region \"" + s.getRegion() + "\", not " + region);
        }
        Set<String> apps = new HashSet<>();
        for (AppStatus a : s.getAppsList()) {
            if (a.getApp().isEmpty() || !apps.add(a.getApp())) {
                return Optional.of("site " + s.getSite() + " reports app \"" + a.getApp() + "\" "
                        + (a.getApp().isEmpty() ? "without a name" : "twice"));
            }
            if (a.getState() == AppState.APP_STATE_UNSPECIFIED || a.getState() == AppState.UNRECOGNIZED) {
                return Optional.of("site " + s.getSite() + " app " + a.getApp() + " revision " + a.getIntentRevision()
                        + " has no valid state (" + a.getStateValue() + ")");
            }
        }
        return Optional.empty();
    }
}
