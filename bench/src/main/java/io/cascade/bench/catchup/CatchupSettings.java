package io.cascade.bench.catchup;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How a catch-up run is shaped, validated once: every combination of {@code deltas} and {@code keys}
 * is one run on a fresh fleet.
 *
 * @param deltas             intents published while the edge is offline, one run per value
 * @param keys               apps those intents are spread over round-robin, one run per value
 * @param publishConcurrency PublishIntent calls in flight at once
 * @param padBytes           extra bytes of data in each intent's ConfigMap (the size of a doc)
 * @param timeout            how long each wait may take (initial convergence, the relay's mirror, the catch-up)
 * @param settle             how long the edge keeps running after it converged, so a late repeated
 *                           apply or sync is counted
 */
record CatchupSettings(List<Integer> deltas, List<Integer> keys, int publishConcurrency, int padBytes,
                       Duration timeout, Duration settle) {

    /** App names carry three digits; more keys would not change what the run shows. */
    static final int MAX_KEYS = 999;
    static final int MAX_DELTAS = 1_000_000;
    static final int MAX_CONCURRENCY = 256;
    static final int MAX_PAD_BYTES = 512 * 1024;

    /** One run: {@code deltas} intents on {@code keys} apps. */
    record Shape(int deltas, int keys) {
        @Override
        public String toString() {
            return deltas + "x" + keys;
        }
    }

    CatchupSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(settle, "settle");
        deltas = List.copyOf(deltas);
        keys = List.copyOf(keys);
        if (deltas.isEmpty() || keys.isEmpty()) {
            throw new IllegalArgumentException("--deltas and --keys need at least one value each");
        }
        for (int k : deltas) {
            if (k < 1 || k > MAX_DELTAS) {
                throw new IllegalArgumentException("--deltas must be between 1 and " + MAX_DELTAS + ", got " + k);
            }
        }
        for (int m : keys) {
            if (m < 1 || m > MAX_KEYS) {
                throw new IllegalArgumentException("--keys must be between 1 and " + MAX_KEYS + ", got " + m);
            }
        }
        int fewestDeltas = deltas.stream().mapToInt(Integer::intValue).min().orElseThrow();
        int mostKeys = keys.stream().mapToInt(Integer::intValue).max().orElseThrow();
        if (fewestDeltas < mostKeys) {
            throw new IllegalArgumentException("every key needs at least one delta: --deltas " + fewestDeltas
                    + " is fewer than --keys " + mostKeys);
        }
        if (publishConcurrency < 1 || publishConcurrency > MAX_CONCURRENCY) {
            throw new IllegalArgumentException("--publish-concurrency must be between 1 and " + MAX_CONCURRENCY
                    + ", got " + publishConcurrency);
        }
        if (padBytes < 0 || padBytes > MAX_PAD_BYTES) {
            throw new IllegalArgumentException("--pad-bytes must be between 0 and " + MAX_PAD_BYTES + ", got " + padBytes);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive, got " + timeout);
        }
        if (settle.isNegative()) {
            throw new IllegalArgumentException("--settle must not be negative, got " + settle);
        }
    }

    /** Every (deltas, keys) combination, deltas outermost, in the order given. */
    List<Shape> shapes() {
        List<Shape> out = new ArrayList<>();
        for (int k : deltas) {
            for (int m : keys) {
                out.add(new Shape(k, m));
            }
        }
        return out;
    }

    /** {@code catchup-<K>x<M>} for one combination, {@code catchup} for a matrix. */
    String fileStem() {
        List<Shape> shapes = shapes();
        return shapes.size() == 1 ? CatchupReport.SCENARIO + "-" + shapes.getFirst() : CatchupReport.SCENARIO;
    }

    /** The name of app {@code i} of {@code keys} (zero-padded, so the apps sort in order). */
    static String app(int i) {
        return String.format(java.util.Locale.ROOT, "app-%03d", i);
    }
}
