package io.cascade.bench.failover;

import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.Applies;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.bench.fleet.ServiceProcesses;
import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.journal.AppliedRecord;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.AppRollup;
import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.RolloutState;
import io.cascade.proto.Wave;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.Lease;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.launch.TcpProxy;
import io.cascade.topology.launch.TierProcess;
import io.cascade.topology.targeting.Waves;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One rollout per failure on an HA fabric (hub and regions as 3-node clusters, buckets in 3 copies): once the
 * rollout has reached its {@code killAt} wave the failure is injected, and the bench measures, from that moment,
 * when status flows again (the hub's ready count at the new revision moves), when deltas flow again (a site
 * outside the wave at the kill applies the new revision: the hub stepped the wave and its doc reached an edge), and
 * when the rollout is complete with every site ready; then it checks the hub's rollup against the edges' journals
 * and brings the killed server back before the next failure.
 */
final class Failover {

    static final String APP = "failover";
    /** The edge's timers: the defaults' shape with short periods, so a run does not wait on a 5-minute safety sync. */
    static final EdgeTuning TUNING = new EdgeTuning(Duration.ofMillis(500), Duration.ofSeconds(3), Duration.ofSeconds(60),
            Duration.ofSeconds(10), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5));
    static final Duration STEP_WAIT = Duration.ofSeconds(180);
    static final Duration REJOIN_WAIT = Duration.ofSeconds(60);

    private final BenchFleet fleet;
    private final FailoverSettings settings;
    private final Applies applies = new Applies(APP);
    /** The bench's own connection to the hub's servers, to read a region's rollup from the hub's bucket. */
    private Connection hubConnection;

    Failover(BenchFleet fleet, FailoverSettings settings) {
        this.fleet = fleet;
        this.settings = settings;
    }

    List<FailoverReport.Round> run() throws Exception {
        List<EdgeNode> edges = fleet.startEdges(TUNING, site -> applies.recording(site, Providers.fromSpec("sim")));
        long v1 = publish("1.0.0", null);
        await("every site applies release 1.0.0", () -> applies.at(v1) == edges.size(), STEP_WAIT);
        List<FailoverReport.Round> rounds = new ArrayList<>();
        int version = 2;
        try {
            for (FailoverSettings.Kill kill : settings.kills()) {
                rounds.add(round(kill, version++ + ".0.0", edges.size()));
            }
        } finally {
            if (hubConnection != null) {
                hubConnection.close();
            }
        }
        return rounds;
    }

    private FailoverReport.Round round(FailoverSettings.Kill kill, String version, int sites) throws Exception {
        RolloutPolicy.Builder policy = RolloutPolicy.newBuilder();
        settings.wavePercents().forEach(p -> policy.addWaves(Wave.newBuilder().setPercent(p)));
        long v = publish(version, policy.build());
        await("release " + version + " reaches its " + settings.killAt() + " % wave", () -> wave(v) >= settings.killAt(), STEP_WAIT);
        int waveAtKill = wave(v);
        // status of the failure's scope: all sites for a hub failure (the hub's view, as a live hub service serves it),
        // eu's for a failure in eu (eu's rollup as the hub's bucket holds it)
        java.util.function.LongSupplier ready = kill.inRegion ? () -> regionReady("eu", v) : () -> fleet.readyAt(APP, v);
        java.util.function.Predicate<String> scope = kill.inRegion ? site -> site.startsWith("eu-") : site -> true;

        Victim victim = victim(kill);
        victim.kill();
        long killed = System.nanoTime();
        // status flows again once the hub counts more sites ready than had applied before the kill: a status an edge
        // sent after the kill made it (statuses in flight at the kill do not count)
        long appliedBefore = appliedBefore(v, killed, scope);
        long[] statusBack = {-1};
        long[] deltasBack = {-1};
        await("status and deltas flow again after the kill of " + victim.name(), () -> {
            long now = System.nanoTime();
            if (statusBack[0] < 0 && (ready.getAsLong() > appliedBefore || rolledOut(v, sites))) {
                statusBack[0] = now - killed;
            }
            if (deltasBack[0] < 0) {
                deltasBack[0] = firstApplyOutside(v, waveAtKill, killed, scope);
            }
            return statusBack[0] >= 0 && deltasBack[0] >= 0;
        }, STEP_WAIT);
        await("release " + version + " complete at every site", () -> rolledOut(v, sites), STEP_WAIT);
        long complete = System.nanoTime() - killed;
        long hubReady = fleet.readyAt(APP, v);
        int journals = journalsAt(v);

        long rejoinStart = System.nanoTime();
        victim.rejoin();
        long rejoined = System.nanoTime() - rejoinStart;
        return new FailoverReport.Round(kill.flag, kill.what, victim.name(), waveAtKill, ms(statusBack[0]), ms(deltasBack[0]),
                ms(Math.max(statusBack[0], deltasBack[0])), ms(complete), hubReady, journals, sites, ms(rejoined));
    }

    /** What a round kills -9 and brings back afterwards. */
    private interface Victim {
        String name();

        void kill() throws InterruptedException;

        /** Back, and the part of the fabric it belongs to whole again. */
        void rejoin() throws Exception;
    }

    private Victim victim(FailoverSettings.Kill kill) throws Exception {
        return switch (kill) {
            case META_LEADER -> {
                String leader = fleet.fabric().awaitMetaLeader(Duration.ofSeconds(30));
                NatsServerProcess hub = fleet.fabric().hubs().stream().filter(h -> h.name().equals(leader)).findFirst().orElseThrow();
                yield server(hub, () -> fleet.fabric().awaitMetaLeader(REJOIN_WAIT));
            }
            case RELAY_SERVER -> {
                try (Connection eu = connectEu()) {
                    String leader = eu.jetStreamManagement().getStreamInfo("KV_" + Subjects.KV_STATUS).getClusterInfo().getLeader();
                    yield server(fleet.fabric().relayNodes("eu").stream().filter(n -> n.name().equals(leader)).findFirst().orElseThrow(),
                            () -> { });
                }
            }
            case HUB_SERVICE -> service(holder(hubConnection(), Lease.ROLLOUT_DRIVER),
                    fleet.services().hubs().stream().map(ServiceProcesses.HubService::process).toList());
            case RELAY_SERVICE -> {
                try (Connection eu = connectEu()) {
                    yield service(holder(eu, Lease.ROLLUP_PUBLISHER), fleet.services().relays("eu"));
                }
            }
            case LEAF_CUT -> leafCut(fleet.leafProxies("eu"), Duration.ofMillis(settings.cutMs()));
        };
    }

    /** Cuts every given link, holds the cut, restores them: "killed" is then the moment the links are back. */
    private Victim leafCut(List<TcpProxy> links, Duration cut) {
        return new Victim() {
            public String name() {
                return links.size() + " proxied leaf links of eu, cut " + cut.toSeconds() + " s";
            }

            public void kill() throws InterruptedException {
                links.forEach(TcpProxy::cut);
                Thread.sleep(cut.toMillis());
                links.forEach(TcpProxy::restore);
            }

            public void rejoin() throws Exception {
                fleet.fabric().awaitLeafLinks(REJOIN_WAIT);
            }
        };
    }

    private Connection connectEu() throws Exception {
        return Nats.connect(NatsClients.options("bench-failover-eu", fleet.fabric().relayUrls("eu"),
                fleet.fabric().credentials(new Identity.RelayService("eu"))).build());
    }

    /**
     * The pid holding {@code lease} in the leases bucket {@code nats} reaches, waiting until one does; a read that
     * times out (the previous round's kill can leave the cluster electing a leader for seconds) is tried again.
     */
    private static long holder(Connection nats, String lease) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Exception last = null;
        while (true) {
            try {
                java.util.OptionalLong pid = Lease.holderPid(nats.keyValue(Subjects.KV_LEASES), lease);
                if (pid.isPresent()) {
                    return pid.getAsLong();
                }
            } catch (java.io.IOException | io.nats.client.JetStreamApiException e) {
                last = e;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("bench failover: no service holds the lease " + lease
                        + (last == null ? "" : " (last read: " + last.getMessage() + ")"), last);
            }
            Thread.sleep(100);
        }
    }

    private static Victim server(NatsServerProcess server, ThrowingRunnable whole) {
        return new Victim() {
            public String name() {
                return server.name();
            }

            public void kill() throws InterruptedException {
                server.kill();
            }

            public void rejoin() throws Exception {
                server.rejoin(REJOIN_WAIT);
                whole.run();
            }
        };
    }

    private static Victim service(long pid, List<TierProcess> processes) {
        TierProcess p = processes.stream().filter(x -> x.pid() == pid).findFirst().orElseThrow(
                () -> new IllegalStateException("bench failover: the lease names pid " + pid + ", none of " + processes.stream()
                        .map(x -> x.name() + " (" + x.pid() + ")").toList()));
        return new Victim() {
            public String name() {
                return p.name() + " (pid " + pid + ")";
            }

            public void kill() throws InterruptedException {
                p.kill();
            }

            public void rejoin() throws Exception {
                ServiceProcesses.restart(p);
            }
        };
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Sites in {@code scope} whose apply of {@code v} happened before {@code killed}. */
    private long appliedBefore(long v, long killed, java.util.function.Predicate<String> scope) {
        return applies.latest().entrySet().stream().filter(e -> scope.test(e.getKey()))
                .filter(e -> e.getValue()[0] == v && e.getValue()[1] - killed < 0).count();
    }

    /**
     * Nanoseconds from {@code killed} to the first apply of {@code v} by a site in {@code scope} outside the wave at the
     * kill; -1 while none.
     */
    private long firstApplyOutside(long v, int waveAtKill, long killed, java.util.function.Predicate<String> scope) {
        long first = Long.MAX_VALUE;
        for (Map.Entry<String, long[]> e : applies.latest().entrySet()) {
            long[] a = e.getValue();
            if (a[0] == v && a[1] - killed > 0 && scope.test(e.getKey()) && !Waves.inWave(e.getKey(), APP, waveAtKill)) {
                first = Math.min(first, a[1]);
            }
        }
        return first == Long.MAX_VALUE ? -1 : first - killed;
    }

    /** Sites of {@code region} ready at {@code v} in the region's rollup in the hub's bucket; -1 when it cannot be read. */
    private long regionReady(String region, long v) {
        try {
            io.nats.client.api.KeyValueEntry e = hubRollups().get(region);
            if (e == null || e.getValue() == null) {
                return -1;
            }
            return io.cascade.proto.RegionRollup.parseFrom(e.getValue()).getIntentsList().stream()
                    .filter(i -> i.getApp().equals(APP)).flatMap(i -> i.getRevisionsList().stream())
                    .filter(r -> r.getIntentRevision() == v).mapToLong(io.cascade.proto.RevisionRollup::getReady).sum();
        } catch (Exception e) {
            return -1;
        }
    }

    private io.nats.client.KeyValue hubRollups() throws Exception {
        return hubConnection().keyValue(Subjects.KV_ROLLUP);
    }

    private Connection hubConnection() throws Exception {
        if (hubConnection == null) {
            hubConnection = Nats.connect(NatsClients.options("bench-failover-hub", fleet.fabric().hubUrls(),
                    fleet.fabric().credentials(new Identity.HubService())).build());
        }
        return hubConnection;
    }

    private boolean rolledOut(long v, int sites) {
        AppRollup a = app();
        return a != null && a.getRolloutState() == RolloutState.STABLE && a.getStableIntentRevision() == v
                && fleet.readyAt(APP, v) == sites;
    }

    private int wave(long v) {
        AppRollup a = app();
        if (a == null) {
            return 0;
        }
        if (a.getRolloutState() == RolloutState.STABLE) {
            return a.getStableIntentRevision() == v ? 100 : 0;
        }
        return a.hasCandidateIntentRevision() && a.getCandidateIntentRevision() == v ? a.getWavePercent() : 0;
    }

    private AppRollup app() {
        return fleet.rollup(Optional.of(APP)).getAppsList().stream()
                .filter(a -> a.getCounts().getApp().equals(APP)).findFirst().orElse(null);
    }

    private long publish(String version, RolloutPolicy policy) {
        Intent.Builder intent = BenchIntents.app(APP, version, 0).toBuilder();
        if (policy != null) {
            intent.setRollout(policy);
        }
        return fleet.fleetService().withDeadlineAfter(60, TimeUnit.SECONDS)
                .publishIntent(PublishIntentRequest.newBuilder().setIntent(intent).build()).getIntentRevision();
    }


    private int journalsAt(long v) {
        int n = 0;
        for (EdgeHost h : fleet.hosts()) {
            for (EdgeNode e : h.edges()) {
                AppliedRecord rec = h.journals().site(e.config().site()).applied().get(APP);
                if (rec != null && rec.intentRevision() == v) {
                    n++;
                }
            }
        }
        return n;
    }

    private static void await(String what, BooleanSupplier done, Duration within) throws InterruptedException {
        Applies.await("failover", what, done, within);
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
