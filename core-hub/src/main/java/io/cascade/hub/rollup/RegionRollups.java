package io.cascade.hub.rollup;

import com.google.protobuf.Timestamp;
import io.cascade.proto.RegionRollup;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The latest {@link RegionRollup} of each region, with the hub's time of its arrival. Not thread-safe:
 * only the rollup intake thread touches it.
 *
 * <p>Which rollup is the latest (see {@link #judge}): a relay numbers its rollups with a sequence that is
 * meant to increase across its restarts too (it resumes from the value in KV {@code rollup}), so a rollup
 * is taken when its sequence is above the one held. One whose sequence is not above is a replay or comes
 * from a stale writer, and is ignored, with one exception: when it was built <em>later</em> than the one
 * held (its {@code relay_time} is after the held one's), the relay must have restarted without its
 * sequence (its KV read failed, or the bucket was purged), and the rollup is taken; otherwise the region
 * would stay frozen until the new counter passed the old one. A relay whose clock went backwards across
 * such a restart is therefore ignored until its clock passes the held {@code relay_time}.
 */
final class RegionRollups {

    /** A region's rollup as held, and when it arrived in the hub's JetStream. */
    record Held(RegionRollup rollup, Instant receivedAt) {}

    /** What {@link #offer} did with a rollup. */
    enum Verdict {
        /** Taken: a region not seen before, or a higher sequence. */
        NEWER,
        /** Taken: sequence not higher, but built later than the held one: the relay restarted. */
        RESTARTED,
        /** Ignored: not newer than the held one. */
        STALE
    }

    private final Map<String, Held> byRegion = new TreeMap<>();

    /** Takes {@code rollup} as its region's latest unless it is stale; see the class doc for the rule. */
    Verdict offer(RegionRollup rollup, Instant receivedAt) {
        Held held = byRegion.get(rollup.getRegion());
        Verdict verdict = held == null ? Verdict.NEWER : judge(held.rollup(), rollup);
        if (verdict != Verdict.STALE) {
            byRegion.put(rollup.getRegion(), new Held(rollup, receivedAt));
        }
        return verdict;
    }

    /** Whether {@code next} replaces {@code held} (both of one region). */
    static Verdict judge(RegionRollup held, RegionRollup next) {
        if (Long.compareUnsigned(next.getSequence(), held.getSequence()) > 0) {
            return Verdict.NEWER;
        }
        return compare(next.getRelayTime(), held.getRelayTime()) > 0 ? Verdict.RESTARTED : Verdict.STALE;
    }

    /** The rollup held for {@code region}, or null. */
    Held get(String region) {
        return byRegion.get(region);
    }

    /** Forgets the region (its key was deleted from KV {@code rollup}); true if one was held. */
    boolean remove(String region) {
        return byRegion.remove(region) != null;
    }

    /** Every region's held rollup, sorted by region. */
    Collection<Held> all() {
        return Collections.unmodifiableCollection(byRegion.values());
    }

    private static int compare(Timestamp a, Timestamp b) {
        int seconds = Long.compare(a.getSeconds(), b.getSeconds());
        return seconds != 0 ? seconds : Integer.compare(a.getNanos(), b.getNanos());
    }
}
