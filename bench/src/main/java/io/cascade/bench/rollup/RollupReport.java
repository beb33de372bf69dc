package io.cascade.bench.rollup;

import static io.cascade.bench.BenchReport.f;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The result of a rollup run, written as {@code rollup-<edges>.json} and {@code .md}: the hub's
 * inbound load with Cascade's relays rolling status up, and with every edge reporting straight to the
 * hub (the flat baseline), over the same heartbeat and window.
 *
 * @param scenario   always {@value #SCENARIO}
 * @param startedAt  when the run started (ISO-8601, UTC)
 * @param machine    machine, JVM and nats-server facts
 * @param settings   the run's shape
 * @param messages   the status messages both variants carry, as the real edges built them
 * @param cascade    hub, 2 relays, N real edges
 * @param flat       N plain connections straight to the hub
 * @param comparison flat over cascade
 */
record RollupReport(String scenario, String startedAt, MachineFacts machine, Settings settings, Messages messages,
                    Cascade cascade, Flat flat, Comparison comparison) implements BenchReport {

    static final String SCENARIO = "rollup";

    /** The aim: the hub's inbound load with relays at least this many times below flat. */
    static final double TARGET_RATIO = 100;

    /**
     * @param edges          sites (one edge each)
     * @param heartbeatMs    the edges' heartbeat period (jittered ±20 % per send)
     * @param durationMs     measured window of each variant
     * @param settleMs       wait after every site reported, before the window
     * @param edgesPerRegion sites per region (relay)
     * @param app            the app the one intent puts on every site
     */
    record Settings(int edges, long heartbeatMs, long durationMs, long settleMs, Map<String, Integer> edgesPerRegion,
                    String app) {}

    /**
     * @param sitesCaptured   sites whose full report and heartbeat were captured at their relay
     * @param fullReportBytes mean size of a site's full report (one app), bytes
     * @param heartbeatBytes  mean size of a heartbeat, bytes: what edges send in the steady state
     */
    record Messages(int sitesCaptured, double fullReportBytes, double heartbeatBytes) {}

    /**
     * What the hub's global rollup counted at one moment.
     *
     * @param online sites online, summed over the regions' last rollups
     * @param ready  sites READY at the intent's revision
     */
    record SiteCounts(long online, long ready) {}

    /**
     * @param total      everything the relay's nats-server took in
     * @param fromEdges  what the edges' connections sent it ({@code cascade-edge-*}: status, sync requests)
     * @param bySource   per leaf and connection group
     */
    record RelayInbound(Traffic total, Traffic fromEdges, Map<String, Traffic> bySource) {}

    /**
     * @param edgesStartMs       starting every edge (connect, subscribe, first sync)
     * @param readyMs            from publishing the intent until the hub's rollup counted every site online and READY
     * @param before             the hub's counts when the window opened
     * @param after              the hub's counts when it closed
     * @param windowSeconds      the measured window (hub /varz reads)
     * @param hubInbound         everything the hub's nats-server took in
     * @param hubOutbound        everything it delivered
     * @param hubInboundBySource {@code hubInbound} per relay leaf (by JetStream domain) and per client connection group
     * @param hubSubscriptions   the hub server's subscriptions at the window's end (interest the leaves propagate)
     * @param relayInbound       per region, what its relay's nats-server took in
     * @param rollupsSent        per region, rollups the relay wrote to the hub's bucket in the window
     * @param cpuMs              CPU in the window per process (nats-servers; the bench JVM runs hub, relays and edges)
     */
    record Cascade(double edgesStartMs, double readyMs, SiteCounts before, SiteCounts after, double windowSeconds,
                   Traffic hubInbound, Traffic hubOutbound, Map<String, Traffic> hubInboundBySource,
                   long hubSubscriptions, Map<String, RelayInbound> relayInbound, Map<String, Long> rollupsSent, Map<String, Double> cpuMs) {}

    /**
     * @param connectMs           opening every flat connection to the hub
     * @param firstReportsMs      from the first send until the hub's subscriber had every site's full report
     * @param windowSeconds       the measured window (hub /varz reads)
     * @param hubInbound          everything the hub's nats-server took in
     * @param hubOutbound         everything it delivered (to the subscriber)
     * @param hubInboundBySource  {@code hubInbound} per client connection group and leaf
     * @param hubSubscriptions    the hub server's subscriptions at the window's end
     * @param subscriberReceived  what the hub's subscriber took in the window (its own count)
     * @param reportsSent         reports the flat edges published, whole run
     * @param reportsReceived     reports the subscriber took, whole run (after the senders stopped and drained)
     * @param sitesHeardInWindow  sites with at least one report taken in the window
     * @param sitesAllReceived    sites every report of which was taken
     * @param rejected            messages the subscriber could not match to their site
     * @param disconnects         connection losses of the flat edges
     * @param cpuMs               CPU in the window per process (the relays' servers are idle, outside the path)
     */
    record Flat(double connectMs, double firstReportsMs, double windowSeconds, Traffic hubInbound, Traffic hubOutbound,
                Map<String, Traffic> hubInboundBySource, long hubSubscriptions, Traffic subscriberReceived, long reportsSent,
                long reportsReceived, int sitesHeardInWindow, int sitesAllReceived, long rejected, int disconnects,
                Map<String, Double> cpuMs) {}

    /**
     * @param msgsRatio   flat hub inbound msgs/s over cascade's (0 when cascade took in nothing)
     * @param bytesRatio  the same for bytes/s
     * @param targetRatio the aim ({@value #TARGET_RATIO})
     * @param targetMet   whether {@code msgsRatio} reaches it
     */
    record Comparison(double msgsRatio, double bytesRatio, double targetRatio, boolean targetMet) {
        static Comparison of(Traffic flat, Traffic cascade) {
            double msgs = cascade.msgsPerSec() > 0 ? BenchReport.round1(flat.msgsPerSec() / cascade.msgsPerSec()) : 0;
            double bytes = cascade.bytesPerSec() > 0 ? BenchReport.round1(flat.bytesPerSec() / cascade.bytesPerSec()) : 0;
            return new Comparison(msgs, bytes, TARGET_RATIO, msgs >= TARGET_RATIO);
        }
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + settings.edges();
    }

    @Override
    public boolean complete() {
        return problems().isEmpty();
    }

    @Override
    public String incompleteReason() {
        return String.join("; ", problems());
    }

    private List<String> problems() {
        int n = settings.edges();
        List<String> p = new ArrayList<>();
        if (messages.sitesCaptured() != n) {
            p.add("the real messages of only " + messages.sitesCaptured() + " of " + n + " sites were captured");
        }
        if (cascade.before().online() != n || cascade.before().ready() != n) {
            p.add("before the window the hub's rollup counted " + cascade.before().online() + " online and "
                    + cascade.before().ready() + " ready of " + n + " sites");
        }
        if (flat.sitesAllReceived() != n || flat.reportsReceived() != flat.reportsSent()) {
            p.add("the flat hub took every report of only " + flat.sitesAllReceived() + " of " + n + " sites ("
                    + flat.reportsReceived() + " of " + flat.reportsSent() + " reports)");
        }
        if (flat.sitesHeardInWindow() != n) {
            p.add("the flat hub heard only " + flat.sitesHeardInWindow() + " of " + n + " sites in the window");
        }
        return p;
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder();
        int n = settings.edges();
        b.append("# Status rollup vs flat, ").append(n).append(" edges\n\n");
        b.append("Heartbeat ").append(settings.heartbeatMs()).append(" ms (±20 %), window ")
                .append(settings.durationMs()).append(" ms after a settle of ").append(settings.settleMs())
                .append(" ms; sites ").append(settings.edgesPerRegion()).append("; nats-server ")
                .append(machine.natsServer()).append(", ").append(machine.cores()).append(" cores (")
                .append(machine.cpuModel()).append("), JVM ").append(machine.jvm()).append(", started ")
                .append(startedAt).append(".\n\n");
        b.append("- **cascade**: hub + 2 relays + ").append(n).append(" real edges (sim provider), one intent (`")
                .append(settings.app()).append("`) on every site; the relays roll status up into the hub's KV.\n");
        b.append("- **flat**: ").append(n).append(" plain connections straight to the hub's nats-server, each sending ")
                .append("its site's real messages on `cascade.status.<region>.<site>` at the same heartbeat; ")
                .append("one subscriber at the hub takes them all. Plain publishes: a flat hub acknowledging each report, ")
                .append("as the relays do, would add as many messages again (its acks).\n\n");

        Set<String> procs = new LinkedHashSet<>(cascade.cpuMs().keySet());
        procs.addAll(flat.cpuMs().keySet());
        b.append("| variant | hub in msgs/s | hub in bytes/s | hub out msgs/s | relays in from edges msgs/s | bytes/s |");
        procs.forEach(p -> b.append(" CPU ").append(p).append(" |"));
        b.append("\n|---|---:|---:|---:|---:|---:|");
        procs.forEach(p -> b.append("---:|"));
        b.append('\n');
        double edgeMsgs = cascade.relayInbound().values().stream().mapToDouble(r -> r.fromEdges().msgsPerSec()).sum();
        double edgeBytes = cascade.relayInbound().values().stream().mapToDouble(r -> r.fromEdges().bytesPerSec()).sum();
        row(b, "cascade", cascade.hubInbound(), cascade.hubOutbound(), f(edgeMsgs), f(edgeBytes), procs, cascade.cpuMs(),
                cascade.windowSeconds());
        row(b, "flat", flat.hubInbound(), flat.hubOutbound(), "–", "–", procs, flat.cpuMs(), flat.windowSeconds());
        b.append("\nflat / cascade at the hub: **").append(f(comparison.msgsRatio())).append("×** messages, **")
                .append(f(comparison.bytesRatio())).append("×** bytes (aim: ≥ ").append(f(comparison.targetRatio()))
                .append("× messages: ").append(comparison.targetMet() ? "met" : "**not met**").append(").\n");
        long heartbeat = io.cascade.relay.rollup.RollupPublisher.HEARTBEAT.toSeconds();
        b.append("Cascade's hub inbound is mostly the relays' rollups: one per region every ").append(heartbeat)
                .append(" s while no count changes (at most one per 500 ms while they do), so a window of W s holds about W/")
                .append(heartbeat).append(" per region, ±1. ")
                .append("CPU in ms over the window (% of one core); the bench JVM runs the hub and relay services and every ")
                .append("edge, or the flat connections. Bytes are payloads, as nats-server counts them. Subscriptions at the ")
                .append("hub's server: cascade ").append(cascade.hubSubscriptions()).append(", flat ")
                .append(flat.hubSubscriptions()).append(".\n\n");

        b.append("## Hub inbound by source\n\nLeaves are named by the JetStream domain behind them; `")
                .append(ServerCounters.UNATTRIBUTED).append("` is /varz's total minus the sources, read a few ms later ")
                .append("(a few messages either way), plus anything internal or from connections that came or went.\n\n| variant | source | msgs | msgs/s | bytes/s | bytes/msg |\n|---|---|---:|---:|---:|---:|\n");
        sources(b, "cascade", cascade.hubInboundBySource());
        sources(b, "flat", flat.hubInboundBySource());
        b.append("\n## Relay inbound (cascade)\n\n| relay | source | msgs | msgs/s | bytes/s | bytes/msg |\n|---|---|---:|---:|---:|---:|\n");
        cascade.relayInbound().forEach((region, r) -> {
            sources(b, region, Map.of("(all)", r.total()));
            sources(b, region, r.bySource());
        });

        b.append("\n## Checks\n\n");
        b.append("- messages (captured from the real edges at their relays, ").append(messages.sitesCaptured()).append('/')
                .append(n).append(" sites): full report ").append(f(messages.fullReportBytes())).append(" B, heartbeat ")
                .append(f(messages.heartbeatBytes())).append(" B.\n");
        b.append("- cascade: edges started in ").append(f(cascade.edgesStartMs())).append(" ms; the hub's rollup counted every ")
                .append("site online and READY ").append(f(cascade.readyMs())).append(" ms after the intent was published; ")
                .append("online/ready at the window's start ").append(cascade.before().online()).append('/')
                .append(cascade.before().ready()).append(", at its end ").append(cascade.after().online()).append('/')
                .append(cascade.after().ready()).append("; rollups written in the window ").append(cascade.rollupsSent())
                .append(".\n");
        b.append("- flat: ").append(n).append(" connections in ").append(f(flat.connectMs())).append(" ms; every full report ")
                .append("at the hub ").append(f(flat.firstReportsMs())).append(" ms after the first send; reports sent ")
                .append(flat.reportsSent()).append(", taken ").append(flat.reportsReceived()).append(" (")
                .append(flat.subscriberReceived().msgs()).append(" in the window); sites heard in the window ")
                .append(flat.sitesHeardInWindow()).append('/').append(n).append(", with every report taken ")
                .append(flat.sitesAllReceived()).append('/').append(n).append("; rejected ").append(flat.rejected())
                .append(", disconnects ").append(flat.disconnects()).append(".\n");
        return b.toString();
    }

    private static void row(StringBuilder b, String name, Traffic in, Traffic out, String edgeMsgs, String edgeBytes,
                            Set<String> procs, Map<String, Double> cpuMs, double seconds) {
        b.append("| ").append(name).append(" | ").append(f(in.msgsPerSec())).append(" | ").append(f(in.bytesPerSec()))
                .append(" | ").append(f(out.msgsPerSec())).append(" | ").append(edgeMsgs).append(" | ").append(edgeBytes)
                .append(" |");
        procs.forEach(p -> {
            double ms = cpuMs.getOrDefault(p, 0.0);
            b.append(' ').append(f(ms)).append(" (").append(f(seconds > 0 ? ms / seconds / 10 : 0)).append(" %) |");
        });
        b.append('\n');
    }

    private static void sources(StringBuilder b, String variant, Map<String, Traffic> bySource) {
        bySource.forEach((source, t) -> b.append("| ").append(variant).append(" | ").append(source).append(" | ")
                .append(t.msgs()).append(" | ").append(f(t.msgsPerSec())).append(" | ").append(f(t.bytesPerSec()))
                .append(" | ").append(f(t.bytesPerMsg())).append(" |\n"));
    }
}
