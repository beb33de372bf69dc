package io.cascade.bench.failover;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import java.util.List;

/** The result of {@code bench failover}: one rollout per failure. */
record FailoverReport(String scenario, String startedAt, MachineFacts machine, FailoverSettings settings, List<Round> rounds)
        implements BenchReport {

    static final String SCENARIO = "failover";

    /**
     * @param kill                 the failure's flag
     * @param what                 what was killed
     * @param victim               the nats-server or service process killed -9
     * @param waveAtKill           the rollout's wave (percent) when it was killed
     * @param statusBackMs         kill → the hub counts more sites ready at the new revision than had applied it before
     *                             the kill (a status sent after the kill arrived: status flows): all sites for a hub
     *                             failure, eu's (its rollup in the hub's bucket) for a failure in eu
     * @param deltasBackMs         kill → a site outside the wave at the kill applies the new revision (the hub stepped the
     *                             wave and its doc reached an edge: deltas flow); an eu site for a failure in eu
     * @param withoutProgressMs    the larger of the two: how long the rollout made no progress
     * @param completeMs           kill → the rollout complete, every site ready at the hub
     * @param hubReady             sites the hub's rollup counts ready at the new revision at the end
     * @param journals             sites whose journal has the new revision applied
     * @param sites                sites in the run
     * @param rejoinMs             how long the killed server or service took to be back (process up, then the cluster whole again / the service running)
     */
    record Round(String kill, String what, String victim, int waveAtKill, long statusBackMs, long deltasBackMs,
                 long withoutProgressMs, long completeMs, long hubReady, int journals, int sites, long rejoinMs) {}

    FailoverReport {
        rounds = List.copyOf(rounds);
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + settings.edges();
    }

    @Override
    public boolean complete() {
        return rounds.size() == settings.kills().size()
                && rounds.stream().allMatch(r -> r.hubReady() == r.sites() && r.journals() == r.sites());
    }

    @Override
    public String incompleteReason() {
        return "a round's final hub rollup does not equal the edges' journals";
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder("# bench failover (" + startedAt + ")\n\n")
                .append(settings.edges()).append(" sites (simulated, each its own connection) in 2 regions; the hub and each region ")
                .append("a cluster of 3 nats-servers, buckets in 3 copies, 2 hub services and 2 relay services per region (child processes); one rollout per failure in ").append(settings.waves())
                .append(" waves, the failure injected once the rollout reached its ").append(settings.killAt()).append(" % wave; ")
                .append(machine.cores()).append(" cores\n\n")
                .append("| killed -9 | wave at the kill | status flows again after | deltas flow again after | time without progress | ")
                .append("rollout complete after | final rollup = journals |\n")
                .append("|---|---|---|---|---|---|---|\n");
        for (Round r : rounds) {
            b.append("| ").append(r.what()).append(" (").append(r.victim()).append(") | ").append(r.waveAtKill()).append(" % | ")
                    .append(r.statusBackMs()).append(" ms | ").append(r.deltasBackMs()).append(" ms | **")
                    .append(r.withoutProgressMs()).append(" ms** | ").append(r.completeMs()).append(" ms | ")
                    .append(r.hubReady()).append(" = ").append(r.journals()).append(" of ").append(r.sites()).append(" |\n");
        }
        return b.toString();
    }
}
