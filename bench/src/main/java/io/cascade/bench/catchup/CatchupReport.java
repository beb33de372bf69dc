package io.cascade.bench.catchup;

import static io.cascade.bench.BenchReport.f;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The result of a catch-up run, written as {@code catchup-<K>x<M>.json} and {@code .md} (one
 * combination) or {@code catchup.json} and {@code .md} (a matrix), one row per combination.
 *
 * @param scenario  always {@value #SCENARIO}
 * @param startedAt when the run started (ISO-8601, UTC)
 * @param machine   machine, JVM and nats-server facts
 * @param settings  the run's shape
 * @param runs      one per (deltas, keys) combination, each on a fresh fleet
 */
record CatchupReport(String scenario, String startedAt, MachineFacts machine, Settings settings, List<Run> runs)
        implements BenchReport {

    static final String SCENARIO = "catchup";

    /**
     * @param deltas             the K values: intents published while the edge was offline
     * @param keys               the M values: apps those intents are spread over round-robin
     * @param publishConcurrency PublishIntent calls in flight at once
     * @param padBytes           extra bytes of data in each intent's ConfigMap
     * @param site               the edge that goes offline (the fleet's only site)
     * @param provider           the provider spec behind the edge (the simulated cluster, kept across its restart)
     * @param edgeTuningMs       the edge's timers in milliseconds, by {@code EdgeTuning} field
     * @param settleMs           how long the edge kept running after it converged before applies were counted
     * @param fileStem           the name of the result files
     */
    record Settings(List<Integer> deltas, List<Integer> keys, int publishConcurrency, int padBytes, String site,
                    String provider, Map<String, Long> edgeTuningMs, double settleMs, String fileStem) {}

    /**
     * One combination.
     *
     * @param deltas   K, intents published while the edge was offline
     * @param keys     M, apps they were spread over
     * @param publish  the K publishes through the hub's gRPC FleetService
     * @param mirror   the region's relay catching up with them
     * @param catchUp  the edge's restart on its journal until it runs every app's last version
     * @param sync     what the edge's sync(s) carried, counted when it converged
     * @param applies  the provider applies of the restarted edge, counted after the settle time
     * @param traffic  the restarted edge's connection as its relay's nats-server counts it, when it converged
     * @param cpuMs    CPU used from the restart until converged, per process (the hub and relay services
     *                 and the edge all run in {@code bench-jvm})
     * @param complete converged, no more docs than keys, exactly one apply per app and no removes
     * @param problems why not, when not complete
     */
    record Run(int deltas, int keys, Publish publish, Mirror mirror, CatchUp catchUp, Sync sync, Applies applies,
               Traffic traffic, Map<String, Double> cpuMs, boolean complete, List<String> problems) {}

    /**
     * @param intents            publishes made (K)
     * @param concurrency        calls in flight at once
     * @param wallMs             from the first call to the last response
     * @param perSecond          publishes per second over the wall time
     * @param p50Ms              median call latency
     * @param p99Ms              99th percentile call latency (nearest rank)
     * @param maxMs              slowest call
     * @param unchanged          publishes the hub found equal to the current intent (0: every delta is a new version)
     * @param lastIntentRevision the highest intent revision any response carried
     * @param cpuMs              CPU used during the K publishes, per process (the hub service runs in {@code bench-jvm})
     * @param hubJetStreamApiCalls JetStream API requests the hub's nats-server served during them ({@code /jsz} api.total)
     */
    record Publish(int intents, int concurrency, double wallMs, double perSecond, double p50Ms, double p99Ms,
                   double maxMs, int unchanged, long lastIntentRevision, Map<String, Double> cpuMs,
                   long hubJetStreamApiCalls) {}

    /**
     * @param caughtUpMs   from the last publish response until the relay's view held every app at its last
     *                     intent revision
     * @param relayAppHead the relay's app chain head then (a revision of the hub's {@code desired} bucket)
     * @param relayKeys    keys in the relay's view then
     */
    record Mirror(double caughtUpMs, long relayAppHead, int relayKeys) {}

    /**
     * Times in milliseconds from the restart (the call that opens the journal and connects); -1 where it
     * did not happen.
     *
     * @param converged    the provider ran every app at its last intent revision within the timeout
     * @param offlineMs    how long the edge was stopped (the publish phase and the mirror wait)
     * @param startMs      until the edge was running: journal opened, connected, subscribed
     * @param firstApplyMs until the first provider apply returned
     * @param convergedMs  until the last app's last version was applied
     */
    record CatchUp(boolean converged, double offlineMs, double startMs, double firstApplyMs, double convergedMs) {}

    /**
     * The restarted edge's {@code DesiredFeed} counters when it converged.
     *
     * @param syncs             sync exchanges completed (each one request, one chunked reply)
     * @param fullSyncs         of them, full replies (the whole live set instead of what is newer than the marks)
     * @param docs              entries in the sync replies, docs and tombstones
     * @param bytes             bytes of the sync replies' messages
     * @param docsPerKey        docs / M: 1.0 is one doc per key, the goal is at most 1
     * @param gaps              live deltas that did not follow the journal's mark
     * @param liveDeltas        live deltas applied (none are published after the restart)
     * @param syncsDuringSettle further syncs in the settle time after convergence
     */
    record Sync(long syncs, long fullSyncs, long docs, long bytes, double docsPerKey, long gaps, long liveDeltas,
                long syncsDuringSettle) {

        Sync withSyncsDuringSettle(long later) {
            return new Sync(syncs, fullSyncs, docs, bytes, docsPerKey, gaps, liveDeltas, later);
        }
    }

    /**
     * @param apps     apps applied at least once
     * @param total    applies in all
     * @param min      fewest applies of one app (over all M apps, so 0 when one was never applied)
     * @param max      most applies of one app
     * @param removes  removes (none expected)
     * @param notOnce  apps not applied exactly once, with their count
     */
    record Applies(int apps, int total, int min, int max, int removes, Map<String, Integer> notOnce) {}

    /**
     * Counters of the restarted edge's connection from its relay's nats-server ({@code /connz}): everything
     * since it connected, beacons and status reports included; -1 when the connection was not found.
     *
     * @param relayToEdgeMsgs  messages the server sent the edge
     * @param relayToEdgeBytes their bytes
     * @param edgeToRelayMsgs  messages the edge published (sync request, status reports, heartbeats)
     * @param edgeToRelayBytes their bytes
     */
    record Traffic(long relayToEdgeMsgs, long relayToEdgeBytes, long edgeToRelayMsgs, long edgeToRelayBytes) {}

    @Override
    public boolean complete() {
        return runs.stream().allMatch(Run::complete);
    }

    @Override
    public String incompleteReason() {
        StringBuilder b = new StringBuilder();
        runs.stream().filter(r -> !r.complete()).forEach(r -> b.append(b.isEmpty() ? "" : "; ")
                .append(r.deltas()).append('x').append(r.keys()).append(": ").append(String.join(", ", r.problems())));
        return b.toString();
    }

    @Override
    public String fileStem() {
        return settings.fileStem();
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Catch-up: one edge offline while K deltas on M keys are published\n\n");
        b.append("Hub + 2 relays (nats-server ").append(machine.natsServer()).append("), one edge (`")
                .append(settings.site()).append("`, RocksDB journal, provider `").append(settings.provider())
                .append("`) converged on M apps, then stopped; K intents published round-robin over the M apps through ")
                .append("the hub's gRPC FleetService (").append(settings.publishConcurrency())
                .append(" in flight, ConfigMap pad ").append(settings.padBytes())
                .append(" B); once the relay's view held every app's last version, the edge restarted on the same journal. ")
                .append(machine.cores()).append(" cores (").append(machine.cpuModel()).append("), JVM ")
                .append(machine.jvm()).append(", started ").append(startedAt).append(".\n\n");
        b.append("| K deltas | M keys | restart → converged | syncs | docs sent | docs / keys | sync bytes "
                + "| relay → edge msgs / bytes | applies per app | publishing K took | complete |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Run r : runs) {
            b.append("| ").append(n(r.deltas())).append(" | ").append(n(r.keys())).append(" | ")
                    .append(r.catchUp().converged() ? f(r.catchUp().convergedMs()) + " ms" : "**not converged**")
                    .append(" | ").append(r.sync().syncs()).append(" | ").append(n(r.sync().docs())).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", r.sync().docsPerKey())).append(" | ")
                    .append(n(r.sync().bytes())).append(" | ").append(n(r.traffic().relayToEdgeMsgs())).append(" / ")
                    .append(n(r.traffic().relayToEdgeBytes())).append(" | ").append(r.applies().min()).append('–')
                    .append(r.applies().max()).append(" | ").append(f(r.publish().wallMs())).append(" ms | ")
                    .append(r.complete() ? "yes" : "**no**: " + String.join(", ", r.problems())).append(" |\n");
        }
        b.append("\nTimes from the restart of the edge (journal open + connect); `converged`: the provider has applied "
                + "every app's last intent revision. `docs sent`: entries in the sync replies (goal: at most one per key); "
                + "`sync bytes`: their messages' bytes. Relay → edge: the restarted edge's connection in its relay's "
                + "nats-server `/connz` at convergence (beacons included). `applies per app`: min–max over the M apps, "
                + "counted ").append(f(settings.settleMs())).append(" ms after convergence (goal: exactly 1).\n");

        List<String> procs = runs.isEmpty() ? List.of() : List.copyOf(runs.getFirst().cpuMs().keySet());
        b.append("\n## The catch-up in detail\n\n| K | M | offline | edge start | first apply | converged | full syncs "
                + "| gaps | live deltas | syncs in settle | removes | edge → relay msgs / bytes |");
        procs.forEach(p -> b.append(" CPU ").append(p).append(" |"));
        b.append("\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        procs.forEach(p -> b.append("---:|"));
        b.append('\n');
        for (Run r : runs) {
            CatchUp c = r.catchUp();
            Sync s = r.sync();
            b.append("| ").append(n(r.deltas())).append(" | ").append(n(r.keys())).append(" | ")
                    .append(f(c.offlineMs())).append(" ms | ").append(f(c.startMs())).append(" ms | ")
                    .append(f(c.firstApplyMs())).append(" ms | ").append(f(c.convergedMs())).append(" ms | ")
                    .append(s.fullSyncs()).append(" | ").append(s.gaps()).append(" | ").append(s.liveDeltas())
                    .append(" | ").append(s.syncsDuringSettle()).append(" | ").append(r.applies().removes()).append(" | ")
                    .append(n(r.traffic().edgeToRelayMsgs())).append(" / ").append(n(r.traffic().edgeToRelayBytes()))
                    .append(" |");
            procs.forEach(p -> b.append(' ').append(f(r.cpuMs().getOrDefault(p, 0.0))).append(" ms |"));
            b.append('\n');
        }
        b.append("\n`offline`: from the edge's stop to its restart (the publishes and the relay's catching up). "
                + "`edge start`: until the journal was open and the edge connected and subscribed. Edge → relay: its sync "
                + "request, status reports and heartbeats. CPU from the restart until converged, from /proc per process "
                + "(10 ms ticks); the hub and relay services and the edge all run in `bench-jvm`.\n");

        b.append("\n## Publishing the K deltas\n\n| K | M | in flight | wall | per second | p50 | p99 | max "
                + "| hub JetStream API calls per publish | CPU during the publishes | relay caught up after the last |\n");
        b.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
        for (Run r : runs) {
            Publish p = r.publish();
            b.append("| ").append(n(r.deltas())).append(" | ").append(n(r.keys())).append(" | ")
                    .append(p.concurrency()).append(" | ").append(f(p.wallMs())).append(" ms | ").append(f(p.perSecond()))
                    .append(" | ").append(f(p.p50Ms())).append(" ms | ").append(f(p.p99Ms())).append(" ms | ")
                    .append(f(p.maxMs())).append(" ms | ").append(f(p.hubJetStreamApiCalls() / (double) p.intents()))
                    .append(" | ").append(cpu(p.cpuMs())).append(" | ").append(f(r.mirror().caughtUpMs())).append(" ms |\n");
        }
        b.append("\nLatency per PublishIntent call, from the call to its response. The hub runs publishes of one app one "
                + "at a time, so at most M of the calls in flight make progress together.\n");
        return b.toString();
    }

    /** {@code hub 10.0, relay-eu 0.0, ...} in milliseconds. */
    private static String cpu(Map<String, Double> ms) {
        StringBuilder b = new StringBuilder();
        ms.forEach((p, v) -> b.append(b.isEmpty() ? "" : ", ").append(p).append(' ').append(f(v)));
        return b.append(" ms").toString();
    }

    private static String n(long v) {
        return String.format(Locale.ROOT, "%,d", v);
    }
}
