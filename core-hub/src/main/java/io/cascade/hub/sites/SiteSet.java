package io.cascade.hub.sites;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.cascade.proto.SiteRecord;
import io.cascade.proto.SiteRemoval;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's sites as the hub keeps them, durable in KV {@code sites}: key {@code <site>} holds a
 * {@link SiteRecord}, key {@code removed.<site>} a {@link SiteRemoval}. Site names are DNS labels, so
 * the two never collide.
 *
 * <p>At start the set is read whole, then brought in line with the fleet file: a fleet site the set
 * lacks is added, one whose region or labels changed is updated, and a site that came from the fleet
 * file and left it is removed. A site an operator removed is never added back from the fleet file.
 * Sites that joined otherwise (registration) are the fleet file's business neither way.
 *
 * <p>The hub service is the set's only writer, so after the start it serves reads from memory and
 * writes through to the bucket before changing memory. Thread-safe.
 */
public final class SiteSet implements SiteLookup {

    private static final Logger LOG = LoggerFactory.getLogger(SiteSet.class);
    static final String REMOVED = "removed.";
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);

    private final KeyValue bucket;
    private final Clock clock;
    private final Map<String, SiteRecord> sites = new ConcurrentHashMap<>();
    private final Map<String, SiteRemoval> removed = new ConcurrentHashMap<>();

    private SiteSet(KeyValue bucket, Clock clock) {
        this.bucket = bucket;
        this.clock = clock;
    }

    /** Reads the set from {@code bucket} and applies {@code fleet}'s adds, updates and removes. */
    public static SiteSet open(KeyValue bucket, Fleet fleet, Clock clock) throws IOException, JetStreamApiException,
            InterruptedException {
        SiteSet set = new SiteSet(bucket, clock);
        set.load();
        set.follow(fleet);
        return set;
    }

    private void load() throws IOException, JetStreamApiException, InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        List<String> unreadable = new ArrayList<>();
        KeyValueWatcher watcher = new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                if (entry.getOperation() != KeyValueOperation.PUT) {
                    return;
                }
                try {
                    if (entry.getKey().startsWith(REMOVED)) {
                        SiteRemoval r = SiteRemoval.parseFrom(entry.getValue());
                        removed.put(r.getName(), r);
                    } else {
                        sites.put(entry.getKey(), SiteRecord.parseFrom(entry.getValue()));
                    }
                } catch (InvalidProtocolBufferException e) {
                    unreadable.add(entry.getKey());
                }
            }

            @Override
            public void endOfData() {
                done.countDown();
            }
        };
        var watch = bucket.watchAll(watcher, KeyValueWatchOption.IGNORE_DELETE);
        try {
            if (!done.await(LOAD_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new IOException("KV " + bucket.getBucketName() + " was not read within " + LOAD_TIMEOUT.toSeconds() + " s");
            }
        } finally {
            watch.unsubscribe();
        }
        if (!unreadable.isEmpty()) {
            LOG.warn("KV {}: {} unreadable entries left as they are: {}", bucket.getBucketName(), unreadable.size(),
                    unreadable.subList(0, Math.min(10, unreadable.size())));
        }
    }

    private void follow(Fleet fleet) throws IOException, JetStreamApiException {
        int added = 0;
        int updated = 0;
        int dropped = 0;
        List<String> stillRemoved = new ArrayList<>();
        Map<String, SiteSpec> declared = new java.util.HashMap<>();
        Map<String, String> regionOf = new java.util.HashMap<>();
        for (RegionSpec region : fleet.regions()) {
            for (SiteSpec site : region.sites()) {
                declared.put(site.name(), site);
                regionOf.put(site.name(), region.name());
            }
        }
        for (var e : declared.entrySet()) {
            String name = e.getKey();
            if (removed.containsKey(name)) {
                stillRemoved.add(name);
                continue;
            }
            SiteRecord have = sites.get(name);
            SiteRecord want = SiteRecord.newBuilder().setName(name).setRegion(regionOf.get(name))
                    .putAllLabels(e.getValue().labels()).setSource(SiteRecord.Source.FLEET_FILE)
                    .setAddedAt(have == null ? now() : have.getAddedAt())
                    .setPublicKey(have == null ? "" : have.getPublicKey()).build();
            if (have == null) {
                put(want);
                added++;
            } else if (have.getSource() == SiteRecord.Source.FLEET_FILE && !have.equals(want)) {
                put(want);
                updated++;
            }
        }
        for (SiteRecord have : List.copyOf(sites.values())) {
            if (have.getSource() == SiteRecord.Source.FLEET_FILE && !declared.containsKey(have.getName())) {
                bucket.delete(have.getName());
                sites.remove(have.getName());
                dropped++;
            }
        }
        LOG.info("sites: {} in the set ({} added from fleet {}, {} updated, {} gone from it){}", sites.size(), added,
                fleet.name(), updated, dropped,
                stillRemoved.isEmpty() ? "" : "; " + stillRemoved.size() + " in the fleet file stay removed: " + stillRemoved);
    }

    private void put(SiteRecord record) throws IOException, JetStreamApiException {
        bucket.put(record.getName(), record.toByteArray());
        sites.put(record.getName(), record);
    }

    @Override
    public Optional<String> regionOf(String site) {
        return get(site).map(SiteRecord::getRegion);
    }

    /** {@code site}, when it is a site name (a DNS label); else the INVALID error every site call answers. */
    public static String requireSiteName(String site) throws SiteException {
        if (!io.cascade.topology.DnsLabel.isValid(site)) {
            throw new SiteException(SiteException.Reason.INVALID, "site: \"" + site + "\" is not a site name (a DNS label)");
        }
        return site;
    }

    /** The site's record, when the set holds it. */
    public Optional<SiteRecord> get(String site) {
        return Optional.ofNullable(sites.get(site));
    }

    /** How many sites the set holds. */
    public int size() {
        return sites.size();
    }

    /** The removal of {@code site}, when an operator removed it. */
    public Optional<SiteRemoval> removal(String site) {
        return Optional.ofNullable(removed.get(site));
    }

    /**
     * Why {@code site} cannot register with {@code publicKey}: it is in the set with another key (or
     * from the fleet file, with none the hub knows); empty when it may (new, or the same key again).
     */
    public Optional<String> registrationConflict(String site, String publicKey) {
        SiteRemoval gone = removed.get(site);
        if (gone != null && gone.getPublicKey().equals(publicKey)) {
            return Optional.of("site " + quote(site) + " was removed " + instantOf(gone.getRemovedAt()) + " with this key; "
                    + "it comes back only with a new key (and a new token)");
        }
        SiteRecord have = sites.get(site);
        if (have == null || have.getPublicKey().equals(publicKey) || rebuildAllowed(have)) {
            return Optional.empty();
        }
        return Optional.of("site " + quote(site) + " is already in the fleet (region " + have.getRegion() + ", "
                + (have.getSource() == SiteRecord.Source.FLEET_FILE ? "from the fleet file" : "registered " + instantOf(have.getAddedAt()))
                + ") with another key; for a rebuilt device an operator runs `cascade sites rebuild " + site
                + "` first (it revokes the old key and allows one registration with a new one)");
    }

    /**
     * Adds a registered site (durably, before it answers), or answers the one there when it has the
     * same key. A site an operator removed comes back this way (with a new token and key): its
     * removal marker goes once the new record is stored.
     */
    public synchronized SiteRecord register(String site, String region, Map<String, String> labels, String publicKey)
            throws SiteException {
        Optional<String> conflict = registrationConflict(site, publicKey);
        if (conflict.isPresent()) {
            throw new SiteException(SiteException.Reason.ALREADY_EXISTS, conflict.get());
        }
        SiteRecord have = sites.get(site);
        if (have != null && have.getPublicKey().equals(publicKey)) {
            return have;
        }
        if (have != null && !have.getRegion().equals(region)) {
            throw new SiteException(SiteException.Reason.PERMISSION_DENIED, "site " + quote(site) + " is in region "
                    + have.getRegion() + "; a rebuilt device rejoins its own region (remove the site to move it)");
        }
        SiteRecord record = SiteRecord.newBuilder().setName(site).setRegion(region).putAllLabels(labels)
                .setPublicKey(publicKey).setSource(SiteRecord.Source.REGISTERED).setAddedAt(now()).build();
        try {
            put(record);
            if (removed.remove(site) != null) {
                bucket.delete(REMOVED + site);
            }
        } catch (IOException | JetStreamApiException e) {
            throw new SiteException(SiteException.Reason.UNAVAILABLE, "the hub's KV " + bucket.getBucketName()
                    + " did not take the registration of " + quote(site) + ": " + e.getMessage() + "; retrying is safe", e);
        }
        LOG.info("region {} site {}: registered (key {}){}", region, site, publicKey, have == null ? "" : ", replacing key "
                + have.getPublicKey() + " (rebuilt device)");
        return record;
    }

    /** Lets {@code site} register once more with another key until {@code until} (a rebuilt device). */
    public synchronized SiteRecord allowRebuild(String site, Instant until) throws SiteException {
        SiteRecord have = sites.get(site);
        if (have == null) {
            throw new SiteException(SiteException.Reason.NOT_FOUND, "the fleet has no site " + quote(site)
                    + (removed.containsKey(site) ? " (it was removed: register the new device with a token)" : ""));
        }
        SiteRecord allowed = have.toBuilder().setRebuildAllowedUntil(Timestamp.newBuilder().setSeconds(until.getEpochSecond())
                .setNanos(until.getNano())).build();
        try {
            put(allowed);
        } catch (IOException | JetStreamApiException e) {
            throw new SiteException(SiteException.Reason.UNAVAILABLE, "the hub's KV " + bucket.getBucketName()
                    + " did not take the rebuild of " + quote(site) + ": " + e.getMessage() + "; retrying is safe", e);
        }
        LOG.info("region {} site {}: may register with a new key until {}", have.getRegion(), site, until);
        return allowed;
    }

    private boolean rebuildAllowed(SiteRecord record) {
        return record.hasRebuildAllowedUntil() && clock.instant().isBefore(instantOf(record.getRebuildAllowedUntil()));
    }

    /** The clock the set stamps its records with. */
    public Clock clock() {
        return clock;
    }

    private static Instant instantOf(Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    /**
     * Removes {@code site}: first the durable removal marker (so the fleet file never adds it back,
     * even after a crash between the two writes), then its record.
     *
     * @return the removed site's record
     */
    public synchronized SiteRecord remove(String site, String reason) throws SiteException {
        SiteRecord record = sites.get(site);
        if (record == null) {
            throw new SiteException(SiteException.Reason.NOT_FOUND, "the fleet has no site " + quote(site)
                    + (removed.containsKey(site) ? " (it was removed before)" : ""));
        }
        SiteRemoval removal = SiteRemoval.newBuilder().setName(site).setRegion(record.getRegion()).setRemovedAt(now())
                .setReason(reason).setPublicKey(record.getPublicKey()).build();
        try {
            bucket.put(REMOVED + site, removal.toByteArray());
            removed.put(site, removal);
            bucket.delete(site);
            sites.remove(site);
        } catch (IOException | JetStreamApiException e) {
            throw new SiteException(SiteException.Reason.UNAVAILABLE, "the hub's KV " + bucket.getBucketName()
                    + " did not take the removal of " + quote(site) + ": " + e.getMessage() + "; retrying is safe", e);
        }
        LOG.info("region {} site {}: removed from the site set ({})", record.getRegion(), site,
                reason.isBlank() ? "no reason given" : reason);
        return record;
    }

    private Timestamp now() {
        Instant t = clock.instant();
        return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }
}
