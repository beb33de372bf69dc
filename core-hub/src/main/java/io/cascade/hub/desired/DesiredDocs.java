package io.cascade.hub.desired;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import io.cascade.hub.intent.DesiredState;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.Intent;
import io.cascade.proto.SiteOverride;
import io.cascade.proto.SiteOverrideDoc;
import io.cascade.topology.Subjects;
import io.cascade.topology.fleet.Fleet;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders intents into KV {@code desired} (see the package doc for the keys). A render writes only the
 * docs whose content changed, in an order that keeps each edge's view sensible while it happens: override
 * docs first (so a new bundle finds its site values in place), then app docs, then the deletes of app
 * docs of regions no longer targeted, then the deletes of overrides no longer given.
 *
 * <p>An app doc already rendered from the same (or a later) intent revision is left alone: from then on
 * the rollout's progress in it belongs to the wave controller.
 */
public final class DesiredDocs implements DesiredState {

    private static final Logger LOG = LoggerFactory.getLogger(DesiredDocs.class);
    /** How JetStream names a KV bucket's stream and subjects. */
    private static final String STREAM_PREFIX = "KV_";
    private static final String SUBJECT_PREFIX = "$KV.";

    private final KeyValue bucket;
    private final JetStreamManagement streams;
    private final Fleet fleet;

    /**
     * @param bucket  KV {@code desired} of the hub's JetStream
     * @param streams the same JetStream's management API (to list the bucket's keys)
     * @param fleet   the fleet, whose regions an intent without a region list targets
     */
    public DesiredDocs(KeyValue bucket, JetStreamManagement streams, Fleet fleet) {
        this.bucket = Objects.requireNonNull(bucket, "bucket");
        this.streams = Objects.requireNonNull(streams, "streams");
        this.fleet = Objects.requireNonNull(fleet, "fleet");
    }

    @Override
    public void render(long intentRevision, Intent intent) throws IOException, JetStreamApiException, InterruptedException {
        String app = intent.getApp();
        Changes changes = new Changes();

        Map<String, SiteOverrideDoc> overrides = new LinkedHashMap<>();
        for (SiteOverride override : intent.getOverridesList()) {
            overrides.put(Subjects.desiredSiteKey(override.getRegion(), override.getSite(), app), SiteOverrideDoc.newBuilder()
                    .setRegion(override.getRegion())
                    .setSite(override.getSite())
                    .setApp(app)
                    .putAllValues(override.getValuesMap())
                    .addAllResources(override.getResourcesList())
                    .build());
        }
        for (Map.Entry<String, SiteOverrideDoc> override : overrides.entrySet()) {
            SiteOverrideDoc current = read(override.getKey(), SiteOverrideDoc.parser());
            if (!override.getValue().equals(current)) {
                changes.put(override.getKey(), override.getValue());
            }
        }

        List<String> regions = intent.getTarget().getRegionsCount() == 0
                ? fleet.regionNames() : intent.getTarget().getRegionsList();
        List<String> appKeys = regions.stream().map(region -> Subjects.desiredAppKey(region, app)).toList();
        java.time.Instant now = java.time.Instant.now();
        for (String region : regions) {
            String key = Subjects.desiredAppKey(region, app);
            DesiredDoc current = read(key, DesiredDoc.parser());
            if (current != null && current.getIntentRevision() >= intentRevision) {
                continue;
            }
            DesiredDoc doc = Rollout.render(region, intentRevision, intent, current, now);
            if (!doc.equals(current)) {
                changes.put(key, doc);
            }
        }

        for (String key : keys(appKeyFilter(app))) {
            if (!appKeys.contains(key)) {
                changes.delete(key);
            }
        }
        for (String key : keys(siteKeyFilter(app))) {
            if (!overrides.containsKey(key)) {
                changes.delete(key);
            }
        }
        LOG.info("app {}: rendered intent revision {} into regions {} and {} override docs: {}", app, intentRevision,
                regions, overrides.size(), changes);
    }

    @Override
    public void withdraw(String app) throws IOException, JetStreamApiException, InterruptedException {
        Changes changes = new Changes();
        for (String key : keys(appKeyFilter(app))) {
            changes.delete(key);
        }
        for (String key : keys(siteKeyFilter(app))) {
            changes.delete(key);
        }
        LOG.info("app {}: withdrew desired docs: {}", app, changes);
    }

    /** Every region's current app doc of {@code app}, by key. */
    public Map<String, DesiredDoc> appDocs(String app) throws IOException, JetStreamApiException, InterruptedException {
        Map<String, DesiredDoc> docs = new LinkedHashMap<>();
        for (String key : keys(appKeyFilter(app))) {
            DesiredDoc doc = read(key, DesiredDoc.parser());
            if (doc != null) {
                docs.put(key, doc);
            }
        }
        return docs;
    }

    /**
     * Rewrites every region's app doc of {@code app} through {@code change} (a wave step, a pause, a
     * promotion, a rollback); docs the change leaves equal are not written. Returns how many changed.
     */
    public int transform(String app, java.util.function.UnaryOperator<DesiredDoc> change)
            throws IOException, JetStreamApiException, InterruptedException {
        Changes changes = new Changes();
        for (Map.Entry<String, DesiredDoc> e : appDocs(app).entrySet()) {
            DesiredDoc next = change.apply(e.getValue());
            if (!next.equals(e.getValue())) {
                changes.put(e.getKey(), next);
            }
        }
        LOG.info("app {}: rollout step: {}", app, changes);
        return changes.puts;
    }

    /** Every region's app doc of {@code app}: {@code *.app.<app>}. */
    private static String appKeyFilter(String app) {
        return Subjects.desiredAppKey("*", app);
    }

    /** Every override doc of {@code app}, any region and site: {@code *.site.*.<app>}. */
    private static String siteKeyFilter(String app) {
        return Subjects.desiredSiteKey("*", "*", app);
    }

    /**
     * The keys matching {@code filter} that hold a value (not a delete marker). Asks the stream for its
     * subjects instead of {@code KeyValue.keys}, which creates a consumer per call that the server keeps
     * ~5 s: the publish bench measured two per publish as 58 % of the KV time and most of the server's CPU.
     */
    private List<String> keys(String filter) throws IOException, JetStreamApiException {
        String prefix = SUBJECT_PREFIX + bucket.getBucketName() + ".";
        StreamInfo info = streams.getStreamInfo(STREAM_PREFIX + bucket.getBucketName(),
                StreamInfoOptions.filterSubjects(prefix + filter));
        List<Subject> subjects = info.getStreamState().getSubjects();
        List<String> keys = new ArrayList<>();
        for (Subject subject : subjects == null ? List.<Subject>of() : subjects) {
            String key = subject.getName().substring(prefix.length());
            if (bucket.get(key) != null) { // history 1: a deleted key's subject holds just its marker
                keys.add(key);
            }
        }
        keys.sort(null);
        return keys;
    }

    private <T extends Message> T read(String key, Parser<T> parser) throws IOException, JetStreamApiException {
        KeyValueEntry entry = bucket.get(key);
        if (entry == null) {
            return null;
        }
        try {
            return parser.parseFrom(entry.getValue());
        } catch (InvalidProtocolBufferException e) {
            // not ours to keep: the render replaces it
            LOG.warn("KV {} key {} revision {} does not hold a doc ({}); replacing it", bucket.getBucketName(), key,
                    entry.getRevision(), e.getMessage());
            return null;
        }
    }

    /** The writes of one render, counted for its log line. */
    private final class Changes {

        private int puts;
        private int deletes;

        void put(String key, Message doc) throws IOException, JetStreamApiException {
            bucket.put(key, deterministic(doc));
            puts++;
        }

        void delete(String key) throws IOException, JetStreamApiException {
            bucket.delete(key);
            deletes++;
        }

        @Override
        public String toString() {
            return puts + " written, " + deletes + " deleted";
        }
    }

    /** Map entries sorted by key, so equal docs are equal bytes at every tier. */
    private static byte[] deterministic(Message doc) {
        byte[] out = new byte[doc.getSerializedSize()];
        CodedOutputStream stream = CodedOutputStream.newInstance(out);
        stream.useDeterministicSerialization();
        try {
            doc.writeTo(stream);
        } catch (IOException e) {
            throw new UncheckedIOException("serializing into an array of its exact size cannot fail", e);
        }
        stream.checkNoSpaceLeft();
        return out;
    }
}
