package io.cascade.bench.raw;

import io.cascade.bench.Jvm;
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
public record Round(int round, int messages, int delivered, int missing, double publishMs, double firstMs,
             double p50Ms, double p99Ms, double lastMs, Map<String, Double> cpuMs, double gcPauseMs) {

    static Round of(int round, int messages, Delivery d, int subscribers, long sentAt, long publishedAt,
                    Map<String, Double> cpuMs, long gcPauseMillis) {
        long[] lat = d.sortedLatencies(sentAt);
        return new Round(round, messages, lat.length, subscribers - lat.length, Jvm.ms(publishedAt - sentAt),
                Jvm.ms(Jvm.rank(lat, 0.0)), Jvm.ms(Jvm.rank(lat, 0.50)), Jvm.ms(Jvm.rank(lat, 0.99)),
                Jvm.ms(Jvm.rank(lat, 1.0)), cpuMs,
                gcPauseMillis);
    }
}
