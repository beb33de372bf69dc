package io.cascade.bench.raw;

import static io.cascade.bench.BenchReport.f;
import static io.cascade.bench.BenchReport.median;

import io.cascade.bench.BenchReport;
import io.cascade.bench.CpuTimes;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.ProtectionOptions;
import io.cascade.topology.natsconf.Protection;
import java.util.List;
import java.util.Map;

/**
 * The result of a raw fan-out run, written as {@code raw-fanout-<edges>.json} and {@code .md}.
 *
 * @param scenario  always {@value #SCENARIO}
 * @param startedAt when the run started (ISO-8601, UTC)
 * @param machine   machine, JVM and nats-server facts
 * @param settings  the run's shape
 * @param setup     connecting the subscribers and waiting for the hub to see their interest
 * @param shared    one message on one subject all subscribers share
 * @param perSite   one message per subscriber, each on its own subject
 */
public record RawFanoutReport(String scenario, String startedAt, MachineFacts machine, Settings settings, Setup setup,
                       Variant shared, Variant perSite) implements BenchReport {

    static final String SCENARIO = "raw-fanout";

    /**
     * @param edges              subscriber connections
     * @param rounds             measured rounds per variant
     * @param warmupRounds       unreported rounds per variant before them
     * @param connectParallelism connections opened at once
     * @param edgesPerRelay      subscribers per relay (region)
     * @param protection         the servers' protections (auth, TLS)
     */
    public record Settings(int edges, int rounds, int warmupRounds, int connectParallelism, Map<String, Integer> edgesPerRelay,
                           Protection protection) {}

    /**
     * @param connectMs           opening, subscribing and flushing every connection
     * @param connectCpuMs        CPU each process used meanwhile (servers, and this JVM: the clients' side)
     * @param interestMs          then until every subscriber got a probe on both its subjects from the hub
     * @param heapPerConnectionKb heap used per connection after a GC (this JVM holds them all)
     * @param disconnects         connection losses during the run
     * @param clientSlowConsumers slow-consumer events the client library reported
     * @param serverSlowConsumers {@code slow_consumers} from each server's /varz at the end
     */
    public record Setup(double connectMs, Map<String, Double> connectCpuMs, double interestMs, double heapPerConnectionKb, int disconnects,
                 int clientSlowConsumers, Map<String, Long> serverSlowConsumers) {}

    /**
     * @param name     {@code shared-subject} or {@code per-site-subjects}
     * @param subjects the subject(s) published to
     * @param rounds   every measured round
     * @param summary  across the rounds
     */
    public record Variant(String name, String subjects, List<Round> rounds, Summary summary) {
        static Variant of(String name, String subjects, List<Round> rounds) {
            return new Variant(name, subjects, List.copyOf(rounds), Summary.of(rounds));
        }
    }

    /**
     * @param complete     every subscriber received its message in every round
     * @param medianLastMs median over rounds of the last receipt
     * @param bestLastMs   fastest round's last receipt
     * @param worstLastMs  slowest round's last receipt
     * @param medianP50Ms  median over rounds of the rounds' p50
     * @param medianP99Ms  median over rounds of the rounds' p99
     * @param meanCpuMs    CPU per round, mean over rounds, per process
     */
    public record Summary(boolean complete, double medianLastMs, double bestLastMs, double worstLastMs,
                   double medianP50Ms, double medianP99Ms, Map<String, Double> meanCpuMs) {
        static Summary of(List<Round> rounds) {
            double[] last = rounds.stream().mapToDouble(Round::lastMs).sorted().toArray();
            Map<String, Double> cpu = CpuTimes.meanMillis(rounds.stream().map(Round::cpuMs).toList());
            return new Summary(rounds.stream().allMatch(r -> r.missing() == 0), median(last), last[0],
                    last[last.length - 1], median(rounds.stream().mapToDouble(Round::p50Ms).toArray()),
                    median(rounds.stream().mapToDouble(Round::p99Ms).toArray()), cpu);
        }

    }

    @Override
    public boolean complete() {
        return shared.summary().complete() && perSite.summary().complete();
    }

    @Override
    public String incompleteReason() {
        return "some subscribers missed a message; see the rounds' missing counts";
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + settings.edges() + ProtectionOptions.fileSuffix(settings.protection());
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Raw fan-out, ").append(settings.edges()).append(" subscribers\n\n");
        b.append("Hub + ").append(settings.edgesPerRelay().size()).append(" relays (nats-server ")
                .append(machine.natsServer()).append("), subscribers split ").append(settings.edgesPerRelay())
                .append(", published at the hub; servers with ").append(settings.protection()).append("; ").append(settings.rounds()).append(" rounds after ")
                .append(settings.warmupRounds()).append(" warm-up. ").append(machine.cores()).append(" cores (")
                .append(machine.cpuModel()).append("), JVM ").append(machine.jvm()).append(", started ")
                .append(startedAt).append(".\n\n");
        List<String> procs = List.copyOf(shared.summary().meanCpuMs().keySet());
        b.append("| variant | messages | last received, median (best–worst) | p50 | p99 |");
        procs.forEach(p -> b.append(" CPU ").append(p).append(" |"));
        b.append(" complete |\n|---|---:|---:|---:|---:|");
        procs.forEach(p -> b.append("---:|"));
        b.append("---|\n");
        for (Variant v : List.of(shared, perSite)) {
            Summary s = v.summary();
            b.append("| ").append(v.name()).append(" (`").append(v.subjects()).append("`) | ")
                    .append(v.rounds().getFirst().messages()).append(" | ")
                    .append(f(s.medianLastMs())).append(" ms (").append(f(s.bestLastMs())).append("–")
                    .append(f(s.worstLastMs())).append(") | ").append(f(s.medianP50Ms())).append(" ms | ")
                    .append(f(s.medianP99Ms())).append(" ms |");
            procs.forEach(p -> b.append(' ').append(f(s.meanCpuMs().getOrDefault(p, 0.0))).append(" ms |"));
            b.append(s.complete() ? " yes |\n" : " **no** |\n");
        }
        b.append("\nCPU is per round (mean), from /proc per process; 10 ms kernel ticks.\n\n");
        b.append("Setup: ").append(settings.edges()).append(" connections opened, subscribed and flushed in ")
                .append(f(setup.connectMs())).append(" ms (").append(settings.connectParallelism())
                .append(" at a time; CPU meanwhile ").append(setup.connectCpuMs()).append(" ms); every subscriber reached from the hub ").append(f(setup.interestMs()))
                .append(" ms later; heap ").append(f(setup.heapPerConnectionKb())).append(" KB per connection; ")
                .append(setup.disconnects()).append(" disconnects, slow consumers: client ")
                .append(setup.clientSlowConsumers()).append(", servers ").append(setup.serverSlowConsumers())
                .append(".\n\n## Rounds\n\n| variant | round | publish | first | p50 | p99 | last | delivered |");
        procs.forEach(p -> b.append(" CPU ").append(p).append(" |"));
        b.append(" GC pauses |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        procs.forEach(p -> b.append("---:|"));
        b.append('\n');
        for (Variant v : List.of(shared, perSite)) {
            for (Round r : v.rounds()) {
                b.append("| ").append(v.name()).append(" | ").append(r.round()).append(" | ")
                        .append(f(r.publishMs())).append(" | ").append(f(r.firstMs())).append(" | ")
                        .append(f(r.p50Ms())).append(" | ").append(f(r.p99Ms())).append(" | ")
                        .append(f(r.lastMs())).append(" | ").append(r.delivered()).append('/')
                        .append(r.delivered() + r.missing()).append(" |");
                procs.forEach(p -> b.append(' ').append(f(r.cpuMs().getOrDefault(p, 0.0))).append(" |"));
                b.append(' ').append(f(r.gcPauseMs())).append(" |\n");
            }
        }
        b.append("\nTimes in ms from the publish call at the hub to each subscriber's callback (same JVM clock).\n");
        return b.toString();
    }
}
