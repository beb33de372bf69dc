package io.cascade.bench.raw;

import java.lang.management.ManagementFactory;
import java.util.Map;

/**
 * One measured round of one variant. Times are milliseconds from the publish call at the hub
 * ({@code System.nanoTime()} in this JVM) to each subscriber's callback.
 *
 * @param round     1-based round number
 * @param messages  messages published at the hub in this round
 * @param delivered subscribers that received their message
 * @param missing   subscribers that did not within the round timeout
 * @param publishMs time spent publishing (and flushing the publisher's buffer)
 * @param firstMs   first subscriber's receipt
 * @param p50Ms     median receipt
 * @param p99Ms     99th percentile receipt (nearest rank)
 * @param lastMs    last subscriber's receipt: the round's fan-out time
 * @param cpuMs     CPU used during the round per process (hub, relays, bench JVM)
 * @param gcPauseMs the bench JVM's GC pauses during the round
 */
record Round(int round, int messages, int delivered, int missing, double publishMs, double firstMs,
             double p50Ms, double p99Ms, double lastMs, Map<String, Double> cpuMs, double gcPauseMs) {

    static Round of(int round, int messages, Delivery d, int subscribers, long sentAt, long publishedAt,
                    Map<String, Double> cpuMs, long gcPauseMillis) {
        long[] lat = d.sortedLatencies(sentAt);
        return new Round(round, messages, lat.length, subscribers - lat.length, ms(publishedAt - sentAt),
                ms(rank(lat, 0.0)), ms(rank(lat, 0.50)), ms(rank(lat, 0.99)), ms(rank(lat, 1.0)), cpuMs,
                gcPauseMillis);
    }

    /** Milliseconds this JVM's collectors have paused so far (concurrent cycles left out). */
    static long gcPauseMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .filter(gc -> !gc.getName().contains("Concurrent"))
                .mapToLong(gc -> Math.max(0, gc.getCollectionTime()))
                .sum();
    }

    /** Nearest-rank percentile of sorted values; the first for q = 0, NaN-free 0 when empty. */
    static long rank(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int idx = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
    }

    /** Nanoseconds as milliseconds with microsecond precision. */
    static double ms(long nanos) {
        return Math.round(nanos / 1_000.0) / 1_000.0;
    }
}
