package io.cascade.relay.status;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.SiteStatus;
import io.cascade.relay.fanout.DesiredView;
import io.cascade.topology.targeting.ProtoTargets;
import io.cascade.topology.targeting.Target;
import io.cascade.topology.targeting.Waves;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The region's sites as their reports describe them, and the counters the rollup is built from.
 *
 * <p>Costs: {@link #apply} of a report from a known site with unchanged labels changes only the
 * counters of the apps whose line changed (O(apps in the report)); a new site or new labels
 * re-evaluates that one site against every app doc (O(apps)); {@link #syncDesired} recounts an
 * app over all sites when its doc changes (O(sites) per changed doc); {@link #sweep} visits every
 * site (O(sites), once a second) but changes counters only for sites that go on- or offline.
 *
 * <p>Semantics: a site is offline when silent for more than 3 × its heartbeat interval (10 s when
 * unset) and not inside its announced maintenance window. An app's {@code targeted} counts the known
 * sites (online or not) whose labels match its doc's target; {@code in_wave} those of them inside
 * the candidate's wave (all of them when there is no candidate); {@code offline} the targeted ones
 * offline; {@code not_reported} the targeted online ones whose last full report does not list the
 * app; the state counts the targeted online ones by the (intent revision, state) they report.
 * Reports of apps that do not target the site are kept (the drill-down shows them) but not counted.
 *
 * <p>Thread-safe: one lock; every method is short.
 */
public final class SiteRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(SiteRegistry.class);
    public static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(10);
    static final Duration MAX_HEARTBEAT = Duration.ofMinutes(10);
    static final int OFFLINE_AFTER_HEARTBEATS = 3;
    static final int LOGGED_MOVES = 10;

    /** What the rollup is built from; {@code version} moves whenever any of it changed. */
    public record Snapshot(long version, int sitesOnline, int sitesOffline, List<IntentRollup> intents) {}

    /** One site as the drill-down sees it; {@code targetedBy} are the apps whose doc targets it. */
    public record SiteView(String site, SiteStatus status, boolean online, Instant lastSeen, Set<String> targetedBy) {}

    /** An app doc as the counts use it; {@code target} null when the doc could not be read (targets nothing). */
    private record Doc(long revision, Target target, int wavePercent) {

        boolean targets(String region, Site s) {
            return target != null && target.matches(region, s.labels);
        }

        boolean inWave(Site s, String app) {
            return wavePercent < 0 || Waves.inWave(s.id, app, wavePercent);
        }
    }

    private final String region;
    private final Clock clock;
    private final TreeMap<String, Site> sites = new TreeMap<>();
    private final Map<String, Doc> docs = new HashMap<>();
    private final Aggregate aggregate = new Aggregate();
    private int online;
    private long siteChanges;
    private boolean statusLoaded;
    private boolean restoring;
    private boolean desiredSynced;

    public SiteRegistry(String region, Clock clock) {
        this.region = Objects.requireNonNull(region, "region");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public String region() {
        return region;
    }

    /** The site's latest record (heartbeats merged in), if it is known. */
    public synchronized Optional<SiteStatus> latest(String site) {
        Site s = sites.get(site);
        return s == null ? Optional.empty() : Optional.of(s.record);
    }

    /** The status bucket's revision of the site's record: 0 when the site is unknown or its record not stored. */
    public synchronized long revision(String site) {
        Site s = sites.get(site);
        return s == null ? 0 : s.revision;
    }

    /**
     * Takes in a record as the status bucket stored it at {@code revision} (written by this relay service or,
     * seen through the bucket's watch, by another of the region): applied like {@link #apply} unless the site's
     * record is already at that revision or a later one. Returns whether it was applied.
     */
    public synchronized boolean applyStored(SiteStatus record, long revision) {
        Site s = sites.get(record.getSite());
        if (s != null && s.revision >= revision) {
            return false;
        }
        apply(record);
        sites.get(record.getSite()).revision = revision;
        return true;
    }

    /** Forgets a site whose record was deleted from the status bucket at {@code revision}, unless it was written since. */
    public synchronized boolean forgetStored(String site, long revision) {
        Site s = sites.get(site);
        return s != null && s.revision < revision && forget(site);
    }

    /**
     * Takes in a site's latest record (already merged with heartbeats and checked by the intake):
     * the site is seen now and online.
     */
    public synchronized void apply(SiteStatus record) {
        Site s = sites.get(record.getSite());
        boolean fresh = s == null;
        if (fresh) {
            s = new Site(record.getSite());
            sites.put(s.id, s);
        }
        Map<String, Site.AppReport> apps = Site.appsOf(record);
        boolean retarget = fresh || !s.labels.equals(record.getLabelsMap());
        Collection<String> affected = retarget || !s.online ? List.copyOf(s.targeted.keySet()) : changed(s, apps);
        for (String app : affected) {
            aggregate.stand(app, s.online, s.apps.get(app), -1);
            if (retarget) {
                aggregate.member(app, s.targeted.get(app), -1);
            }
        }
        if (!s.online) {
            if (!fresh && !restoring) {
                LOG.info("region {} site {}: online again (silent since {})", region, s.id, s.lastSeen);
            }
            s.online = true;
            online++;
            siteChanges++;
        }
        s.record = record;
        s.apps = apps;
        s.heartbeat = Site.heartbeatOf(record);
        s.lastSeen = clock.instant();
        if (retarget) {
            s.labels = Map.copyOf(record.getLabelsMap());
            retarget(s);
            affected = s.targeted.keySet();
        }
        for (String app : affected) {
            if (retarget) {
                aggregate.member(app, s.targeted.get(app), +1);
            }
            aggregate.stand(app, true, s.apps.get(app), +1);
        }
    }

    /** Targeted apps whose line differs between the site's current apps and {@code next}. */
    private static List<String> changed(Site s, Map<String, Site.AppReport> next) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map<String, Site.AppReport> side : List.of(s.apps, next)) {
            for (String app : side.keySet()) {
                if (seen.add(app) && s.targeted.containsKey(app) && !Objects.equals(s.apps.get(app), next.get(app))) {
                    out.add(app);
                }
            }
        }
        return out;
    }

    private void retarget(Site s) {
        s.targeted.clear();
        docs.forEach((app, doc) -> {
            if (doc.targets(region, s)) {
                s.targeted.put(app, doc.inWave(s, app));
            }
        });
    }

    /**
     * Drops a site removed from the fleet: it leaves every count (targeted, states, on/offline) and
     * the drill-down. Returns whether the site was known.
     */
    public synchronized boolean forget(String id) {
        Site s = sites.remove(id);
        if (s == null) {
            return false;
        }
        for (String app : s.targeted.keySet()) {
            aggregate.stand(app, s.online, s.apps.get(app), -1);
            aggregate.member(app, s.targeted.get(app), -1);
        }
        if (s.online) {
            online--;
        }
        siteChanges++;
        LOG.info("region {} site {}: forgotten (removed from the fleet)", region, id);
        return true;
    }

    /**
     * Loads records persisted before a restart: each site is known again, counted once, and
     * presumed online (seen now) until 3 of its heartbeats pass without a report.
     */
    public synchronized void restore(Collection<SiteStatus> records) {
        restoring = true;
        try {
            records.forEach(this::apply);
        } finally {
            restoring = false;
        }
        statusLoaded = true;
    }

    /** {@link #restore} of records read from the status bucket, each at its revision. */
    synchronized void restoreStored(Collection<StatusStore.Stored> records) {
        restoring = true;
        try {
            records.forEach(r -> applyStored(r.record(), r.revision()));
        } finally {
            restoring = false;
        }
        statusLoaded = true;
    }

    /**
     * Moves sites between online and offline as of now; returns how many moved. The first few
     * moves of a sweep are logged one by one, the rest summed up (a cut link moves thousands).
     */
    public synchronized int sweep() {
        Instant now = clock.instant();
        int moved = 0;
        int wentOffline = 0;
        for (Site s : sites.values()) {
            boolean up = !s.silentAt(now);
            if (up == s.online) {
                continue;
            }
            for (String app : s.targeted.keySet()) {
                aggregate.stand(app, s.online, s.apps.get(app), -1);
                aggregate.stand(app, up, s.apps.get(app), +1);
            }
            s.online = up;
            online += up ? 1 : -1;
            siteChanges++;
            wentOffline += up ? 0 : 1;
            if (++moved <= LOGGED_MOVES) {
                LOG.info("region {} site {}: {} (last seen {}, heartbeat {})", region, s.id,
                        up ? "online (inside its maintenance window)" : "offline", s.lastSeen, s.heartbeat);
            }
        }
        if (moved > LOGGED_MOVES) {
            LOG.info("region {}: {} more site(s) moved in this sweep ({} offline in all, {} online now of {})", region,
                    moved - LOGGED_MOVES, wentOffline, online, sites.size());
        }
        return moved;
    }

    /**
     * Brings the counts in line with the region's live app docs: an app whose doc is new or has a
     * new desired revision is recounted over all sites (O(sites)); an app whose doc is gone is dropped.
     */
    public synchronized void syncDesired(Collection<DesiredView.Entry> appDocs) {
        Map<String, DesiredView.Entry> live = new HashMap<>();
        for (DesiredView.Entry e : appDocs) {
            live.put(e.chain().appName(), e);
        }
        for (String app : List.copyOf(docs.keySet())) {
            if (!live.containsKey(app)) {
                docs.remove(app);
                aggregate.remove(app);
                sites.values().forEach(s -> s.targeted.remove(app));
                LOG.info("region {} app {}: desired doc withdrawn; no longer counted", region, app);
            }
        }
        live.forEach((app, e) -> {
            Doc known = docs.get(app);
            if (known == null || known.revision() != e.revision()) {
                recount(app, read(app, e));
            }
        });
        desiredSynced = true;
    }

    private Doc read(String app, DesiredView.Entry e) {
        try {
            DesiredDoc d = DesiredDoc.parseFrom(e.doc());
            int wave = d.hasCandidate() ? Math.clamp(d.getWavePercent(), 0, 100) : -1;
            return new Doc(e.revision(), ProtoTargets.target(d.getTarget()), wave);
        } catch (InvalidProtocolBufferException | IllegalArgumentException bad) {
            LOG.warn("region {} app {}: desired doc at revision {} is unreadable ({}); it targets no site",
                    region, app, e.revision(), bad.getMessage());
            return new Doc(e.revision(), null, -1);
        }
    }

    private void recount(String app, Doc doc) {
        docs.put(app, doc);
        aggregate.reset(app, doc.revision());
        for (Site s : sites.values()) {
            if (!doc.targets(region, s)) {
                s.targeted.remove(app);
                continue;
            }
            boolean inWave = doc.inWave(s, app);
            s.targeted.put(app, inWave);
            aggregate.member(app, inWave, +1);
            aggregate.stand(app, s.online, s.apps.get(app), +1);
        }
    }

    /** The counts as of now. */
    public synchronized Snapshot snapshot() {
        return new Snapshot(version(), online, sites.size() - online, aggregate.rollup());
    }

    /** Sites online now. */
    public synchronized int online() {
        return online;
    }

    /** Sites offline now (silent for more than 3 heartbeats). */
    public synchronized int offline() {
        return sites.size() - online;
    }

    /** Moves whenever a count or the number of sites on- or offline changed. */
    public synchronized long version() {
        return aggregate.mutations() + siteChanges;
    }

    /**
     * Up to {@code limit} sites after {@code after} (exclusive; empty for the start) in site order
     * that pass {@code filter}.
     */
    public synchronized List<SiteView> scan(String after, Predicate<SiteView> filter, int limit) {
        List<SiteView> out = new ArrayList<>();
        Map<String, Site> from = after.isEmpty() ? sites : sites.tailMap(after, false);
        for (Site s : from.values()) {
            if (out.size() >= limit) {
                break;
            }
            SiteView v = new SiteView(s.id, s.record, s.online, s.lastSeen, Set.copyOf(s.targeted.keySet()));
            if (filter.test(v)) {
                out.add(v);
            }
        }
        return out;
    }

    /** Whether the persisted statuses and the desired docs are in, so the counts are worth sending. */
    public synchronized boolean ready() {
        return statusLoaded && desiredSynced;
    }

    public synchronized int sites() {
        return sites.size();
    }

    public synchronized int sitesOnline() {
        return online;
    }

    /** Counter changes so far (each a ±1); a metric, and the unit tests' proof of incremental counting. */
    public synchronized long counterMutations() {
        return aggregate.mutations();
    }
}
