package io.cascade.topology;

/**
 * Every NATS subject, JetStream domain, KV bucket and key that Cascade uses, in one place. Region,
 * site and app names are DNS labels (validated where they enter), so they are single subject tokens.
 */
public final class Subjects {

    private Subjects() {}

    // ---- JetStream domains -------------------------------------------------------------------

    /** JetStream domain of the core hub. */
    public static final String HUB_DOMAIN = "core";

    /** JetStream domain of a region's relay. */
    public static String relayDomain(String region) {
        return "region-" + region;
    }

    /** API prefix a relay uses to reach the hub's JetStream across the leaf link. */
    public static final String HUB_JS_API = "$JS." + HUB_DOMAIN + ".API";

    // ---- KV buckets --------------------------------------------------------------------------

    /** Hub: operators' intents, with history (the audit trail and the rollback source). */
    public static final String KV_INTENTS = "intents";
    /** Hub: desired docs; relays: a mirror filtered to their region. */
    public static final String KV_DESIRED = "desired";
    /** Hub: one region rollup per key. */
    public static final String KV_ROLLUP = "rollup";
    /** Hub: the fleet's live site set (key: the site; {@code removed.<site>}: an operator removed it). */
    public static final String KV_SITES = "sites";
    /** Hub: revoked operator credentials (key {@code revoked.<id>}). */
    public static final String KV_CREDENTIALS = "credentials";
    /** Hub: bootstrap tokens (key: the token's id; the secret only hashed). */
    public static final String KV_TOKENS = "tokens";
    /** Hub: leases among the hub service's replicas (key {@code rollout-driver}: which one drives rollouts). */
    public static final String KV_LEASES = "leases";
    /** Relay: the latest status of each of its sites. */
    public static final String KV_STATUS = "status";

    /** Desired-doc key of an app in a region: {@code <region>.app.<app>}. */
    public static String desiredAppKey(String region, String app) {
        return region + ".app." + app;
    }

    /** Desired-doc key of a site's override: {@code <region>.site.<site>.<app>}. */
    public static String desiredSiteKey(String region, String site, String app) {
        return region + ".site." + site + "." + app;
    }

    /** The stream subject filter of a region's slice of the desired bucket (the relay mirror's filter). */
    public static String desiredRegionFilter(String region) {
        return "$KV." + KV_DESIRED + "." + region + ".>";
    }

    // ---- live deltas, beacon and sync (relay → edge) ------------------------------------------

    /** A live delta of an app doc of a region. */
    public static String appDelta(String region, String app) {
        return "cascade.d." + region + ".app." + app;
    }

    /** A live delta of a site's override doc. */
    public static String siteDelta(String region, String site, String app) {
        return "cascade.d." + region + ".site." + site + "." + app;
    }

    /** What every edge of a region subscribes to for app deltas. */
    public static String appDeltas(String region) {
        return "cascade.d." + region + ".app.>";
    }

    /** What an edge subscribes to for its own override deltas. */
    public static String siteDeltas(String region, String site) {
        return "cascade.d." + region + ".site." + site + ".>";
    }

    /** The relay's watermark beacon, about every 2 s, carrying the app chain's head. */
    public static String beacon(String region) {
        return "cascade.beacon." + region;
    }

    /** Catch-up request of one site to its relay. */
    public static String sync(String region, String site) {
        return "cascade.sync." + region + "." + site;
    }

    /** What a relay serves for sync requests. */
    public static String syncAll(String region) {
        return "cascade.sync." + region + ".*";
    }

    // ---- status (edge → relay → hub) ---------------------------------------------------------

    /** A site's status report (a request; the relay acknowledges). */
    public static String status(String region, String site) {
        return "cascade.status." + region + "." + site;
    }

    /** What a relay serves for status reports. */
    public static String statusAll(String region) {
        return "cascade.status." + region + ".*";
    }

    /** Drill-down query of a relay's per-site state. */
    public static String query(String region) {
        return "cascade.query." + region;
    }

    /** Tells a region's relay to forget a site removed from the fleet (registry, status, rollup). */
    public static String forget(String region) {
        return "cascade.forget." + region;
    }

    // ---- probes: one message across every tier and back ---------------------------------------

    /** Probe answered by one edge site. */
    public static String probeSite(String region, String site) {
        return "cascade.probe." + region + ".site." + site;
    }

    /** Probe answered by every edge site of a region (scatter-gather). */
    public static String probeSites(String region) {
        return "cascade.probe." + region + ".sites";
    }

    /** Probe answered by the hub service. */
    public static String probeHub() {
        return "cascade.probe.hub";
    }

    /** Probe answered by a region's relay service. */
    public static String probeRelay(String region) {
        return "cascade.probe." + region + ".relay";
    }
}
