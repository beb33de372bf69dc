package io.cascade.topology.targeting;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Deterministic rollout-wave membership. Each (site, app) pair has a fixed bucket in [0, 10000) (basis
 * points); a site is in a wave of {@code p} percent when its bucket is below {@code p * 100}. Hub, relay
 * and edge compute the same answer without messages, on any JVM and platform, and a site in a wave stays
 * in every larger wave. Hashing the app with the site gives each app its own order, so the same sites
 * are not always first.
 *
 * <p>The bucket is the first 8 bytes of SHA-256 over the UTF-8 bytes of {@code site + '\u0000' + app},
 * read big-endian as an unsigned 64-bit number, modulo 10000. Changing this changes which sites run a
 * candidate in the middle of a rollout: treat it as part of the wire contract.
 */
public final class Waves {

    /** Number of buckets: one per basis point of the fleet. */
    public static final int BUCKETS = 10_000;

    private Waves() {}

    /** The (site, app) pair's fixed place in [0, 10000). */
    public static int bucket(String site, String app) {
        requireId(site, "site");
        requireId(app, "app");
        byte[] digest = sha256((site + '\u0000' + app).getBytes(StandardCharsets.UTF_8));
        long first8 = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            first8 = (first8 << 8) | (digest[i] & 0xFF);
        }
        return (int) Long.remainderUnsigned(first8, BUCKETS);
    }

    /**
     * Whether the site takes the app's candidate in a wave of {@code percent} percent: 0 is nobody, 100 is
     * everybody.
     *
     * @throws IllegalArgumentException when {@code percent} is outside 0..100
     */
    public static boolean inWave(String site, String app, int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("wave percent must be between 0 and 100, was " + percent);
        }
        return bucket(site, app) < percent * (BUCKETS / 100);
    }

    /**
     * Why a rollout's wave list is not valid; empty when it is. A valid list has at least one wave, every
     * wave is 1..100 percent and larger than the one before, and the last wave is 100 so that a rollout
     * that runs to its end reaches every targeted site. Waves are named by their 0-based index, e.g.
     * {@code waves[2] is 40 but must be larger than waves[1] (50)}.
     */
    public static Optional<String> wavesError(List<Integer> percents) {
        if (percents == null || percents.isEmpty()) {
            return Optional.of("waves: at least one wave is required, and the last must be 100");
        }
        for (int i = 0; i < percents.size(); i++) {
            Integer percent = percents.get(i);
            if (percent == null) {
                return Optional.of("waves[" + i + "] is missing");
            }
            if (percent < 1 || percent > 100) {
                return Optional.of("waves[" + i + "] is " + percent + " but must be between 1 and 100 percent");
            }
            if (i > 0 && percent <= percents.get(i - 1)) {
                return Optional.of("waves[" + i + "] is " + percent + " but must be larger than waves["
                        + (i - 1) + "] (" + percents.get(i - 1) + ")");
            }
        }
        int last = percents.size() - 1;
        if (percents.get(last) != 100) {
            return Optional.of("waves[" + last + "] is " + percents.get(last)
                    + " but the last wave must be 100 so that the rollout reaches every targeted site");
        }
        return Optional.empty();
    }

    private static void requireId(String id, String what) {
        Objects.requireNonNull(id, what);
        if (id.isEmpty()) {
            throw new IllegalArgumentException(what + " id must be non-empty");
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }
}
