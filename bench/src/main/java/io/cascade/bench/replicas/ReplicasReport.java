package io.cascade.bench.replicas;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import java.util.List;

/** The result of {@code bench replicas}: one round per replica count. */
record ReplicasReport(String scenario, String startedAt, MachineFacts machine, Settings settings, List<Round> rounds)
        implements BenchReport {

    static final String SCENARIO = "replicas";

    /**
     * @param writes     status writes per round
     * @param keys       distinct sites written round-robin
     * @param batch      writes in flight before their acks are awaited
     * @param valueBytes bytes of one status record
     */
    record Settings(int writes, int keys, int batch, int valueBytes) {}

    /**
     * @param servers            nats-servers holding the bucket
     * @param replicas           copies of each status
     * @param writesPerSecond    throughput
     * @param batchP50Ms         median time for a batch to be acknowledged
     * @param batchP99Ms         its 99th percentile
     * @param serverCpuMs        CPU of all the servers during the round
     * @param serverCpuMsPer1000 the servers' CPU per 1,000 writes: the per-site cost of a status change
     * @param entries            keys the bucket holds after the round (= sites written)
     */
    record Round(int servers, int replicas, double writesPerSecond, double batchP50Ms, double batchP99Ms, double serverCpuMs,
                 double serverCpuMsPer1000, long entries) {}

    ReplicasReport {
        rounds = List.copyOf(rounds);
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + settings.writes();
    }

    @Override
    public boolean complete() {
        return rounds.stream().allMatch(r -> r.entries() == Math.min(settings.keys(), settings.writes()));
    }

    @Override
    public String incompleteReason() {
        return "a round's bucket does not hold every site written";
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder("# bench replicas (" + startedAt + ")\n\n")
                .append(settings.writes()).append(" status writes of ").append(settings.valueBytes()).append(" bytes round ")
                .append(settings.keys()).append(" sites, ").append(settings.batch()).append(" in flight; ")
                .append(machine.cores()).append(" cores\n\n")
                .append("| servers | copies | writes/s | batch p50 ms | batch p99 ms | servers' CPU ms | CPU ms per 1,000 writes |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Round r : rounds) {
            b.append("| ").append(r.servers()).append(" | ").append(r.replicas()).append(" | ").append(BenchReport.f(r.writesPerSecond()))
                    .append(" | ").append(BenchReport.f(r.batchP50Ms())).append(" | ").append(BenchReport.f(r.batchP99Ms()))
                    .append(" | ").append(BenchReport.f(r.serverCpuMs())).append(" | ").append(BenchReport.f(r.serverCpuMsPer1000()))
                    .append(" |\n");
        }
        return b.toString();
    }
}
