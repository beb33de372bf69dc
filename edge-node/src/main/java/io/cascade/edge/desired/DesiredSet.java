package io.cascade.edge.desired;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.edge.journal.DesiredEntry;
import io.cascade.edge.provider.AppDesired;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Release;
import io.cascade.proto.SiteOverrideDoc;
import io.cascade.topology.Subjects;
import io.cascade.topology.targeting.ProtoTargets;
import io.cascade.topology.targeting.Target;
import io.cascade.topology.targeting.Waves;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A site's desired set: from the desired docs in its journal, what each app must look like on the
 * site (ARCHITECTURE.md, Down, step 7). Pure: the same inputs always give the same result, on every
 * tier and every run.
 *
 * <p>For each app doc {@code <region>.app.<app>} of the site's region:
 * <ol>
 *   <li>the doc's target must include the region (an empty list includes all) and its selector must
 *       match the site's labels, else the app is not the site's;
 *   <li>with a candidate release and the site inside the wave ({@link Waves#inWave}) the site runs the
 *       candidate, else the stable release; without that release (the first rollout of a new app, the
 *       site outside its wave) the app is not the site's yet;
 *   <li>the site's override doc {@code <region>.site.<site>.<app>} replaces and adds resources and
 *       fills in {@code ${key}} placeholders;
 *   <li>the content hash covers the final resources in canonical order.
 * </ol>
 * A doc that cannot be evaluated (unparseable, an invalid selector or wave) leaves its app out with a
 * WARN naming site, app and revision; it never throws.
 */
public final class DesiredSet {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredSet.class);

    private DesiredSet() {}

    /**
     * What {@code site} must run, by app (sorted).
     *
     * @param site           the site id
     * @param region         the site's region
     * @param labels         the site's labels
     * @param journalDesired the journal's desired docs by key ({@code Journal.desired()}); keys of other
     *                       regions or sites are ignored
     */
    public static Map<String, AppDesired> evaluate(String site, String region, Map<String, String> labels,
            Map<String, DesiredEntry> journalDesired) {
        String appPrefix = Subjects.desiredAppKey(region, "");
        Map<String, AppDesired> apps = new TreeMap<>();
        for (DesiredEntry entry : new TreeMap<>(journalDesired).values()) {
            String key = entry.key();
            if (!key.startsWith(appPrefix)) {
                continue;
            }
            String app = key.substring(appPrefix.length());
            if (app.isEmpty() || app.indexOf('.') >= 0) {
                continue;
            }
            evaluateApp(site, region, labels, app, entry, journalDesired).ifPresent(desired -> apps.put(app, desired));
        }
        return Collections.unmodifiableMap(apps);
    }

    private static Optional<AppDesired> evaluateApp(String site, String region, Map<String, String> labels,
            String app, DesiredEntry entry, Map<String, DesiredEntry> journalDesired) {
        DesiredDoc doc;
        try {
            doc = DesiredDoc.parseFrom(entry.doc());
        } catch (InvalidProtocolBufferException e) {
            warn(site, region, app, entry.revision(), "unknown", "its desired doc cannot be parsed: " + e.getMessage());
            return Optional.empty();
        }
        Target target;
        try {
            target = ProtoTargets.target(doc.getTarget());
        } catch (IllegalArgumentException e) {
            warn(site, region, app, entry.revision(), Long.toString(doc.getIntentRevision()),
                    "invalid target: " + e.getMessage());
            return Optional.empty();
        }
        if (!target.matches(region, labels)) {
            return Optional.empty();
        }
        Release release;
        if (doc.hasCandidate()) {
            if (Integer.compareUnsigned(doc.getWavePercent(), 100) > 0) {
                warn(site, region, app, entry.revision(), Long.toString(doc.getIntentRevision()),
                        "wave_percent is " + Integer.toUnsignedString(doc.getWavePercent()) + ", must be 0..100");
                return Optional.empty();
            }
            boolean inWave = Waves.inWave(site, app, doc.getWavePercent());
            release = inWave ? doc.getCandidate() : doc.hasStable() ? doc.getStable() : null;
        } else {
            release = doc.hasStable() ? doc.getStable() : null;
        }
        if (release == null) {
            return Optional.empty();
        }
        SiteOverrideDoc override = null;
        DesiredEntry overrideEntry = journalDesired.get(Subjects.desiredSiteKey(region, site, app));
        if (overrideEntry != null) {
            try {
                override = SiteOverrideDoc.parseFrom(overrideEntry.doc());
            } catch (InvalidProtocolBufferException e) {
                warn(site, region, app, overrideEntry.revision(), Long.toString(release.getIntentRevision()),
                        "its site override doc cannot be parsed: " + e.getMessage());
                return Optional.empty();
            }
        }
        return Optional.of(SiteOverlay.apply(app, release, override));
    }

    private static void warn(String site, String region, String app, long revision, String intentRevision,
            String problem) {
        LOG.warn("site {} (region {}): app {} skipped at desired revision {} (intent revision {}): {}",
                site, region, app, revision, intentRevision, problem);
    }
}
