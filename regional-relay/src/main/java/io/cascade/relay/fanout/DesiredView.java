package io.cascade.relay.fanout;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The relay's materialized view of its region's desired docs: key → latest (revision, doc), with
 * deletes kept as tombstones carrying their revision. It knows two kinds of revision chain: the
 * region's app chain (keys {@code <r>.app.<app>}, shared by every site) and each site's override
 * chain (keys {@code <r>.site.<site>.<app>}). A chain's head is the revision of its latest change.
 *
 * <p>It answers both directions of the edge protocol: {@link #apply} turns a bucket change into a
 * live delta carrying the chain's previous head, and {@link #answer} computes a sync reply for a
 * site's chain marks. Tombstones beyond {@code maxTombstones} are dropped oldest first; a mark
 * older than a dropped tombstone can then only be answered with a full reply. Thread-safe.
 */
public final class DesiredView {

    /** One key's latest state. {@code doc} is empty for a tombstone. */
    public record Entry(String key, long revision, boolean deleted, byte[] doc, Chain chain) {
        public Entry {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(doc, "doc");
        }
    }

    /** Which chain a key belongs to; {@code site} is set for site chains. */
    public record Chain(boolean app, String site, String appName) {}

    /** A change as it goes out live: the entry and its chain's previous head. */
    public record Change(Entry entry, long prevRevision) {}

    /** What a site must receive to catch up. */
    public record SyncAnswer(List<Entry> entries, long appHead, long siteHead, boolean full) {}

    private final String region;
    private final String appPrefix;
    private final String sitePrefix;
    private final int maxTombstones;
    private final Map<String, Entry> entries = new HashMap<>();
    private final Map<String, Long> siteHeads = new HashMap<>();
    private final Map<String, Long> siteFloors = new HashMap<>();
    private final ArrayDeque<Entry> tombstones = new ArrayDeque<>();
    private long appHead;
    private long appFloor;
    private long lastRevision;

    public DesiredView(String region, int maxTombstones) {
        this.region = Objects.requireNonNull(region, "region");
        this.appPrefix = region + ".app.";
        this.sitePrefix = region + ".site.";
        if (maxTombstones < 1) {
            throw new IllegalArgumentException("maxTombstones must be at least 1, got " + maxTombstones);
        }
        this.maxTombstones = maxTombstones;
    }

    /** The key's chain, or empty for a key that is not a desired-doc key of this region. */
    public Optional<Chain> chainOf(String key) {
        if (key.startsWith(appPrefix)) {
            String app = key.substring(appPrefix.length());
            return app.isEmpty() || app.contains(".") ? Optional.empty() : Optional.of(new Chain(true, null, app));
        }
        if (key.startsWith(sitePrefix)) {
            String rest = key.substring(sitePrefix.length());
            int dot = rest.indexOf('.');
            if (dot <= 0 || dot == rest.length() - 1 || rest.indexOf('.', dot + 1) >= 0) {
                return Optional.empty();
            }
            return Optional.of(new Chain(false, rest.substring(0, dot), rest.substring(dot + 1)));
        }
        return Optional.empty();
    }

    /**
     * Records a change read from the bucket. Returns the live delta to publish, or empty when the
     * change is not news (a revision already seen, e.g. replayed after a watch restart) or not a key
     * of this region.
     */
    public synchronized Optional<Change> apply(String key, long revision, boolean deleted, byte[] doc) {
        Optional<Chain> chain = chainOf(key);
        Entry current = entries.get(key);
        if (chain.isEmpty() || (current != null && current.revision() >= revision)) {
            return Optional.empty();
        }
        Entry entry = new Entry(key, revision, deleted, deleted ? new byte[0] : doc, chain.get());
        entries.put(key, entry);
        lastRevision = Math.max(lastRevision, revision);
        long prev;
        if (chain.get().app()) {
            prev = appHead;
            appHead = Math.max(appHead, revision);
        } else {
            prev = siteHeads.getOrDefault(chain.get().site(), 0L);
            siteHeads.put(chain.get().site(), Math.max(prev, revision));
        }
        if (deleted) {
            tombstones.add(entry);
            trimTombstones();
        }
        return Optional.of(new Change(entry, prev));
    }

    private void trimTombstones() {
        while (tombstones.size() > maxTombstones) {
            Entry oldest = tombstones.poll();
            Entry now = entries.get(oldest.key());
            if (now != null && now.revision() == oldest.revision()) {
                entries.remove(oldest.key());
                if (oldest.chain().app()) {
                    appFloor = Math.max(appFloor, oldest.revision());
                } else {
                    siteFloors.merge(oldest.chain().site(), oldest.revision(), Math::max);
                }
            }
        }
    }

    /**
     * The sync reply for {@code site} holding marks {@code appMark} and {@code siteMark}: the latest
     * entry of every key of its chains newer than its marks, tombstones included; or, when the marks
     * cannot be answered incrementally (a fresh site, a mark older than a dropped tombstone, or a mark
     * ahead of this view), every live doc of its chains marked {@code full}.
     */
    public synchronized SyncAnswer answer(String site, long appMark, long siteMark) {
        long siteHead = siteHeads.getOrDefault(site, 0L);
        boolean full = appMark == 0
                || appMark > appHead || siteMark > siteHead
                || appMark < appFloor || siteMark < siteFloors.getOrDefault(site, 0L);
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            Chain c = e.chain();
            boolean mine = c.app() || site.equals(c.site());
            if (!mine) {
                continue;
            }
            if (full ? !e.deleted() : e.revision() > (c.app() ? appMark : siteMark)) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(Entry::revision));
        return new SyncAnswer(out, appHead, siteHead, full);
    }

    /**
     * The live app docs of the region (keys {@code <r>.app.<app>}, tombstones left out), in no
     * particular order. O(keys); the status aggregate reads it when {@link #appHead()} moves.
     */
    public synchronized List<Entry> appDocs() {
        List<Entry> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (e.chain().app() && !e.deleted()) {
                out.add(e);
            }
        }
        return out;
    }

    public synchronized long appHead() {
        return appHead;
    }

    public synchronized long siteHead(String site) {
        return siteHeads.getOrDefault(site, 0L);
    }

    /** The highest revision seen on any key (where a restarted watch resumes). */
    public synchronized long lastRevision() {
        return lastRevision;
    }

    /** Number of keys held, tombstones included. */
    public synchronized int size() {
        return entries.size();
    }

    public String region() {
        return region;
    }
}
