package io.cascade.bench.fanout;

import static io.cascade.bench.BenchReport.f;
import static io.cascade.bench.BenchReport.median;

import io.cascade.bench.BenchReport;
import io.cascade.bench.CpuTimes;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.ProtectionOptions;
import io.cascade.topology.natsconf.Protection;
import io.cascade.bench.raw.RawFanoutReport;
import java.util.List;
import java.util.Map;

/**
 * The result of a fan-out run, written as {@code fanout-<edges>.json} and {@code .md}.
 *
 * @param scenario  always {@value #SCENARIO}
 * @param startedAt when the run started (ISO-8601, UTC)
 * @param machine   machine, JVM and nats-server facts
 * @param settings  the run's shape
 * @param raw       the raw NATS limit measured first in the same run, on the same servers: one message
 *                  on one shared subject from the hub to N plain subscribers on the relays
 * @param setup     starting the edges
 * @param rounds    every measured Cascade round
 * @param summary   across the rounds
 * @param ratios    Cascade against the raw limit
 */
public record FanoutReport(String scenario, String startedAt, MachineFacts machine, Settings settings,
                           RawFanoutReport.Variant raw, Setup setup, List<FanoutRound> rounds, Summary summary,
                           Ratios ratios) implements BenchReport {

    static final String SCENARIO = "fanout";

    /**
     * @param edges         simulated edge sites (real RocksDB journals, simulated provider, zero latency)
     * @param rounds        measured rounds
     * @param warmupRounds  unreported rounds before them
     * @param edgesPerRelay sites per region
     * @param tuning        the edges' timers
     * @param protection    the servers' protections (auth, TLS); the edges and services use them too
     */
    public record Settings(int edges, int rounds, int warmupRounds, Map<String, Integer> edgesPerRelay, String tuning,
                           Protection protection) {}

    /**
     * @param rawConnectMs   the raw part's N plain subscriber connections opened, subscribed and flushed (64 at a
     *                       time, authenticated and TLS when the run is): connecting alone
     * @param rawConnectCpuMs CPU each process used meanwhile
     * @param startMs        opening the journals and connecting, subscribing and starting every site (credentials
     *                       were issued before, as a fleet provisions them)
     * @param startCpuMs     CPU each process used meanwhile
     * @param onlineMs       then until the hub's rollup counted every site online (initial syncs and reports done)
     * @param heapPerEdgeKb  heap in use per site after a GC, once online (this JVM holds all sites)
     * @param journalBytes   the journals' size on disk after the run
     */
    public record Setup(double rawConnectMs, Map<String, Double> rawConnectCpuMs, double startMs, Map<String, Double> startCpuMs, double onlineMs, double heapPerEdgeKb, long journalBytes) {}

    /**
     * @param complete         every site applied in every round and the hub counted them all
     * @param medianFirstMs    median over rounds of the first apply
     * @param medianP50Ms      median over rounds of the rounds' p50
     * @param medianP99Ms      median over rounds of the rounds' p99
     * @param medianLastMs     median over rounds of the last apply
     * @param bestLastMs       fastest round's last apply
     * @param worstLastMs      slowest round's last apply
     * @param medianDeliveredP99Ms  median over rounds of the delta's p99 receipt at the sites
     * @param medianDeliveredLastMs median over rounds of the delta's last receipt
     * @param medianHubRollupMs median over rounds of the hub rollup showing N/N READY
     * @param meanCpuMs        CPU per round, mean over rounds, per process
     */
    public record Summary(boolean complete, double medianFirstMs, double medianP50Ms, double medianP99Ms,
                          double medianLastMs, double bestLastMs, double worstLastMs, double medianDeliveredP50Ms,
                          double medianDeliveredP99Ms, double medianDeliveredLastMs, double medianHubRollupMs,
                          Map<String, Double> meanCpuMs) {
        static Summary of(List<FanoutRound> all, int expectedRounds) {
            List<FanoutRound> rounds = all.stream().filter(r -> r.error() == null).toList();
            if (rounds.isEmpty()) {
                return new Summary(false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
            }
            double[] last = rounds.stream().mapToDouble(FanoutRound::lastMs).sorted().toArray();
            Map<String, Double> cpu = CpuTimes.meanMillis(rounds.stream().map(FanoutRound::cpuMs).toList());
            return new Summary(all.size() == expectedRounds && all.stream().allMatch(FanoutRound::ok),
                    median(rounds.stream().mapToDouble(FanoutRound::firstMs).toArray()),
                    median(rounds.stream().mapToDouble(FanoutRound::p50Ms).toArray()),
                    median(rounds.stream().mapToDouble(FanoutRound::p99Ms).toArray()),
                    median(last), last[0], last[last.length - 1],
                    median(rounds.stream().mapToDouble(FanoutRound::deliveredP50Ms).toArray()),
                    median(rounds.stream().mapToDouble(FanoutRound::deliveredP99Ms).toArray()),
                    median(rounds.stream().mapToDouble(FanoutRound::deliveredLastMs).toArray()),
                    median(rounds.stream().mapToDouble(FanoutRound::hubRollupMs).toArray()), cpu);
        }
    }

    /**
     * Median Cascade time over median raw time, same percentile.
     *
     * @param last          last apply over last raw receipt (the "within 3x of raw NATS")
     * @param p99           p99 over p99
     * @param p50           p50 over p50
     * @param deliveredLast the delta's last receipt at a site over the last raw receipt (the messaging path alone)
     * @param deliveredP99  the delta's p99 receipt over the raw p99
     */
    public record Ratios(double last, double p99, double p50, double deliveredLast, double deliveredP99) {
        static Ratios of(Summary cascade, RawFanoutReport.Summary raw) {
            return new Ratios(ratio(cascade.medianLastMs(), raw.medianLastMs()),
                    ratio(cascade.medianP99Ms(), raw.medianP99Ms()), ratio(cascade.medianP50Ms(), raw.medianP50Ms()),
                    ratio(cascade.medianDeliveredLastMs(), raw.medianLastMs()),
                    ratio(cascade.medianDeliveredP99Ms(), raw.medianP99Ms()));
        }

        private static double ratio(double a, double b) {
            return b <= 0 ? 0 : Math.round(a / b * 100) / 100.0;
        }
    }

    @Override
    public boolean complete() {
        return summary.complete() && raw.summary().complete();
    }

    @Override
    public String incompleteReason() {
        return rounds.stream().filter(r -> r.error() != null).findFirst()
                .map(r -> "round " + r.round() + ": " + r.error())
                .orElse("some sites did not apply a round's revision, the hub never counted them all, or a raw "
                        + "subscriber missed a message");
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + settings.edges() + ProtectionOptions.fileSuffix(settings.protection());
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Fan-out, ").append(settings.edges()).append(" edges\n\n");
        b.append("Hub + ").append(settings.edgesPerRelay().size()).append(" relays (nats-server ")
                .append(machine.natsServer()).append("), simulated edges ").append(settings.edgesPerRelay())
                .append(" with RocksDB journals, all services and edges in one JVM, servers with ")
                .append(settings.protection()).append("; one new version of one app ")
                .append("targeting every site per round, ").append(settings.rounds()).append(" rounds after ")
                .append(settings.warmupRounds()).append(" warm-up. ").append(machine.cores()).append(" cores (")
                .append(machine.cpuModel()).append("), JVM ").append(machine.jvm()).append(", started ")
                .append(startedAt).append(".\n\n");
        RawFanoutReport.Summary r = raw.summary();
        b.append("| | first | p50 | p99 | last, median (best–worst) | hub rollup N/N |\n|---|---:|---:|---:|---:|---:|\n");
        b.append("| raw NATS, 1 msg on a shared subject | | ").append(f(r.medianP50Ms())).append(" ms | ")
                .append(f(r.medianP99Ms())).append(" ms | ").append(f(r.medianLastMs())).append(" ms (")
                .append(f(r.bestLastMs())).append("–").append(f(r.worstLastMs())).append(") | |\n");
        Summary s = summary;
        b.append("| Cascade, publish → applied | ").append(f(s.medianFirstMs())).append(" ms | ")
                .append(f(s.medianP50Ms())).append(" ms | ").append(f(s.medianP99Ms())).append(" ms | ")
                .append(f(s.medianLastMs())).append(" ms (").append(f(s.bestLastMs())).append("–")
                .append(f(s.worstLastMs())).append(") | ").append(f(s.medianHubRollupMs())).append(" ms |\n");
        b.append("| ratio, applied / raw | | ").append(ratios.p50()).append("× | ").append(ratios.p99()).append("× | **")
                .append(ratios.last()).append("×** | |\n");
        b.append("| Cascade, publish → delta delivered to the site's connection | | ").append(f(s.medianDeliveredP50Ms()))
                .append(" ms | ").append(f(s.medianDeliveredP99Ms())).append(" ms | ").append(f(s.medianDeliveredLastMs()))
                .append(" ms | |\n");
        b.append("| ratio, delivered / raw | | | ").append(ratios.deliveredP99()).append("× | **")
                .append(ratios.deliveredLast()).append("×** | |\n\n");
        b.append("Setup: ").append(settings.edges()).append(" raw connections (").append(settings.protection())
                .append(") opened in ").append(f(setup.rawConnectMs())).append(" ms (CPU ").append(setup.rawConnectCpuMs())
                .append(" ms); ").append(settings.edges()).append(" edges started in ").append(f(setup.startMs()))
                .append(" ms (CPU ").append(setup.startCpuMs()).append(" ms), all online at the hub ").append(f(setup.onlineMs())).append(" ms later; heap ")
                .append(f(setup.heapPerEdgeKb())).append(" KB per edge; journals ")
                .append(setup.journalBytes() / 1024).append(" KB on disk. Edge timers: ").append(settings.tuning())
                .append(".\n\n## Rounds\n\n");
        List<String> procs = rounds.isEmpty() ? List.of() : List.copyOf(rounds.getFirst().cpuMs().keySet());
        b.append("| round | revision | publish | first | p50 | p99 | last | delivered p99 | delivered last | hub N/N | applied |");
        procs.forEach(p -> b.append(" CPU ").append(p).append(" |"));
        b.append(" GC pauses |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        procs.forEach(p -> b.append("---:|"));
        b.append("---:|\n");
        for (FanoutRound x : rounds) {
            b.append("| ").append(x.round()).append(" | ").append(x.intentRevision()).append(" | ")
                    .append(f(x.publishMs())).append(" | ").append(f(x.firstMs())).append(" | ")
                    .append(f(x.p50Ms())).append(" | ").append(f(x.p99Ms())).append(" | ").append(f(x.lastMs()))
                    .append(" | ").append(f(x.deliveredP99Ms())).append(" | ").append(f(x.deliveredLastMs()))
                    .append(" | ").append(f(x.hubRollupMs())).append(" | ").append(x.applied()).append('/')
                    .append(x.applied() + x.missing()).append(" |");
            procs.forEach(p -> b.append(' ').append(f(x.cpuMs().getOrDefault(p, 0.0))).append(" |"));
            b.append(' ').append(f(x.gcPauseMs())).append(" |\n");
        }
        rounds.stream().filter(x -> x.error() != null).forEach(x ->
                b.append("\n**Round ").append(x.round()).append(" failed:** ").append(x.error()).append('\n'));
        b.append("\nTimes in ms from the PublishIntent call to each site's provider apply (same JVM clock); ")
                .append("CPU per round from /proc (10 ms ticks). Raw rounds: see the JSON (`raw.rounds`).\n");
        return b.toString();
    }
}
