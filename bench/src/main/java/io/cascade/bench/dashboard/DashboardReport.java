package io.cascade.bench.dashboard;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import java.util.List;

/**
 * The result of {@code bench dashboard}.
 *
 * @param edges        simulated sites
 * @param cold         the first page load after the fleet came up: each request in the page's order, ms
 * @param warm         the median of {@code loads} more page loads, each request, ms
 * @param loads        how many warm loads the median is over
 * @param rollupBytes  size of one rollup event on the stream
 * @param sitesBytes   size of the first sites page (50 sites)
 * @param lagP50Ms     a site's apply → the page's stream counting it ready: median over every site
 * @param lagP99Ms     the same, 99th percentile
 * @param lagMaxMs     the same, the worst site
 * @param events       rollup events the stream carried during the rollout
 * @param counted      sites the last event counted ready (should be every site)
 */
record DashboardReport(String scenario, String startedAt, MachineFacts machine, int edges, List<Step> cold, List<Step> warm,
                       int loads, int rollupBytes, int sitesBytes, long lagP50Ms, long lagP99Ms, long lagMaxMs, int events,
                       long counted) implements BenchReport {

    static final String SCENARIO = "dashboard";

    /** One request of the page load: what and how long (ms, to the last byte; for the stream, to its first event). */
    record Step(String request, double ms) {}

    DashboardReport {
        cold = List.copyOf(cold);
        warm = List.copyOf(warm);
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + edges;
    }

    @Override
    public boolean complete() {
        return counted == edges;
    }

    @Override
    public String incompleteReason() {
        return "the page's stream counted " + counted + " of " + edges + " sites ready";
    }

    static double total(List<Step> steps) {
        return steps.stream().mapToDouble(Step::ms).sum();
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder("# bench dashboard (" + startedAt + ")\n\n")
                .append(edges).append(" simulated sites (each its own connection) in 2 regions, the hub's dashboard over HTTPS; ")
                .append(machine.cores()).append(" cores. A page load is the page's own requests in its order (the HTML, its ")
                .append("script and style, the session, the intents, the first page of 50 sites, the event stream's first ")
                .append("rollup), timed by an HTTP client to the last byte (no rendering).\n\n")
                .append("| request | cold (ms) | warm, median of ").append(loads).append(" (ms) |\n|---|---|---|\n");
        for (int i = 0; i < cold.size(); i++) {
            b.append("| ").append(cold.get(i).request()).append(" | ").append(String.format("%.1f", cold.get(i).ms()))
                    .append(" | ").append(String.format("%.1f", warm.get(i).ms())).append(" |\n");
        }
        b.append("| **page load** | **").append(String.format("%.1f", total(cold))).append("** | **")
                .append(String.format("%.1f", total(warm))).append("** |\n\n")
                .append("Sizes: one rollup event ").append(rollupBytes).append(" bytes, the first sites page ").append(sitesBytes)
                .append(" bytes.\n\n")
                .append("Live: a rollout to every site; for each site, from its apply (the provider returned) to the first event ")
                .append("on the page's stream that counts that many sites ready: **p50 ").append(lagP50Ms).append(" ms, p99 ")
                .append(lagP99Ms).append(" ms, max ").append(lagMaxMs).append(" ms** over ").append(edges).append(" sites, ")
                .append(events).append(" events; the last counted ").append(counted).append(" of ").append(edges).append(".\n");
        return b.toString();
    }
}
