package io.cascade.bench.fanout;

import io.cascade.bench.Jvm;
import java.util.Map;

/**
 * One measured round: a new version of the app published at the hub, then every site's apply.
 * Times are milliseconds from the PublishIntent call ({@code System.nanoTime()} in this JVM, where
 * the hub, the relays and the edges all run).
 *
 * @param round          1-based round number
 * @param intentRevision the revision the publish created
 * @param publishMs      the PublishIntent call (durable: the hub answers after its KV writes)
 * @param firstMs        first site's apply
 * @param p50Ms          median site's apply (nearest rank)
 * @param p99Ms          99th percentile site's apply (nearest rank)
 * @param lastMs         last site's apply: the round's fan-out time
 * @param deliveredP50Ms median site's receipt of the delta on its connection, before its thread took it up
 *                       (the messaging path: hub KV, mirror, relay, regional subject), nearest rank
 * @param deliveredP99Ms 99th percentile receipt of the delta
 * @param deliveredLastMs last site's receipt of the delta: the fan-out of the message itself
 * @param hubRollupMs    when the hub's global rollup first counted every site READY at the revision
 * @param applied        sites that applied the revision
 * @param missing        sites that did not within the round timeout
 * @param cpuMs          CPU used during the round per process (hub, relays, bench JVM with all services and edges)
 * @param gcPauseMs      the bench JVM's GC pauses during the round
 * @param error          why the round could not be run (the publish failed), else null
 */
public record FanoutRound(int round, long intentRevision, double publishMs, double firstMs, double p50Ms, double p99Ms,
                          double lastMs, double deliveredP50Ms, double deliveredP99Ms, double deliveredLastMs,
                          double hubRollupMs, int applied, int missing, Map<String, Double> cpuMs,
                          double gcPauseMs, String error) {

    static FanoutRound of(int round, long revision, ApplyClock clock, long[] delivered, long sentAt, long publishedAt,
                          long hubAt, Map<String, Double> cpuMs, long gcPauseMillis) {
        long[] lat = clock.sortedLatencies(revision, sentAt);
        return new FanoutRound(round, revision, Jvm.ms(publishedAt - sentAt), Jvm.ms(Jvm.rank(lat, 0.0)),
                Jvm.ms(Jvm.rank(lat, 0.50)), Jvm.ms(Jvm.rank(lat, 0.99)), Jvm.ms(Jvm.rank(lat, 1.0)),
                Jvm.ms(Jvm.rank(delivered, 0.50)), Jvm.ms(Jvm.rank(delivered, 0.99)), Jvm.ms(Jvm.rank(delivered, 1.0)),
                hubAt > 0 ? Jvm.ms(hubAt - sentAt) : -1, lat.length, clock.sites() - lat.length, cpuMs, gcPauseMillis,
                null);
    }

    /** A round whose publish failed after {@code sentAt}: nothing was applied. */
    static FanoutRound failed(int round, int sites, long sentAt, Map<String, Double> cpuMs, long gcPauseMillis,
                              String error) {
        return new FanoutRound(round, 0, Jvm.ms(System.nanoTime() - sentAt), 0, 0, 0, 0, 0, 0, 0, -1, 0, sites, cpuMs,
                gcPauseMillis, error);
    }

    boolean ok() {
        return error == null && missing == 0 && hubRollupMs >= 0;
    }
}
