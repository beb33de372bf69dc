package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.journal.AppliedRecord;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.AppRollup;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.RolloutState;
import io.cascade.proto.Wave;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.testing.FabricExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rollout on an HA hub (3 nats-servers, real) survives kill -9 of the JetStream meta leader mid-rollout: it
 * completes, every edge converges, the hub's final rollup equals what the edges' journals say, and no intent
 * accepted before the kill is lost. Prints the time without progress (from the kill to the next change of the
 * rollout at the hub) and to completion.
 */
class HaRolloutIT {

    static final int PER_REGION = 20;
    static final String APP = "ha-shop";

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FleetHarness.twoRegions("ha", PER_REGION, "shop-")).withHaHub();

    @Test
    void aRolloutCompletesWithNothingLostWhenTheHubsMetaLeaderIsKilled() throws Exception {
        try (FleetHarness fleet = FleetHarness.withOwnHosts(FABRIC)) {
            Rolling rolling = rollToHalf(fleet, APP);
            List<EdgeHost> hosts = rolling.hosts();
            long v2 = rolling.v2();
            long twoWaves = rolling.twoWavesNanos();

            long sequences = sequences(fleet);
            NatsServerProcess victim = FABRIC.fabric().killMetaLeader(Duration.ofSeconds(10));
            long killed = System.nanoTime();
            long statusFlows;
            long nextStep;
            try (MirrorSampler mirrors = new MirrorSampler(killed)) {
                statusFlows = awaitNanos(() -> sequencesOrZero(fleet) > sequences) - killed;
                nextStep = awaitPastHalf(fleet, APP) - killed;
                if (nextStep > TimeUnit.SECONDS.toNanos(10)) {
                    System.out.println("the next wave step took over 10 s; the relays' mirrors meanwhile:\n" + mirrors.samples());
                }
            }
            long done = awaitComplete(fleet, APP, v2, 2 * PER_REGION, hosts) - killed;

            AppRollup last = app(fleet, APP);
            assertThat(ready(last, v2)).as("the hub's rollup equals the edges' journals").isEqualTo(journalsAt(hosts, APP, v2));
            assertThat(last.getCounts().getTargeted()).isEqualTo(2 * PER_REGION);
            assertThat(fleet.fleetService.withDeadlineAfter(10, TimeUnit.SECONDS)
                    .getIntent(GetIntentRequest.newBuilder().setApp(APP).build()).getIntentRevision())
                    .as("the intent accepted before the kill").isEqualTo(v2);
            System.out.printf("HA hub, rollout of %d sites in waves 20/50/100%% (its first two waves took %d ms), meta leader "
                            + "%s killed -9 in the 50%% wave: relays' rollups at the hub again after %d ms, the next wave step "
                            + "after %d ms, rollout complete %d ms after the kill%n", 2 * PER_REGION, ms(twoWaves), victim.name(),
                    ms(statusFlows), ms(nextStep), ms(done));
        }
    }

    /** A rollout of v2 in waves 20/50/100 % that has reached its 50 % wave. */
    record Rolling(List<EdgeHost> hosts, long v2, long twoWavesNanos) {}

    /**
     * Starts every region's sites (simulated), publishes {@code app} v1 and waits until every site runs it, then
     * publishes v2 in waves 20/50/100 % and waits until the hub's rollup shows the 50 % wave.
     */
    static Rolling rollToHalf(FleetHarness fleet, String app) throws Exception {
        return rollToHalf(fleet, app, Duration.ZERO);
    }

    /** {@link #rollToHalf(FleetHarness, String)} with each wave soaking {@code soak} at least. */
    static Rolling rollToHalf(FleetHarness fleet, String app, Duration soak) throws Exception {
        List<EdgeHost> hosts = fleet.startRegionHosts(site -> Providers.fromSpec("sim:seed=1"));
        long v1 = fleet.publish(Intents.app(app, "1", Map.of("tier", "store"), List.of()).build()).getIntentRevision();
        await().atMost(Duration.ofSeconds(60)).until(() -> RolloutIT.allRun(hosts, app, v1));
        long published = System.nanoTime();
        long v2 = publishToHalf(fleet, app, soak);
        return new Rolling(hosts, v2, System.nanoTime() - published);
    }

    /**
     * Publishes release 2 of {@code app} to every store in waves of 20, 50 and 100 %, each soaking {@code soak} at least
     * (none when zero), and waits until its 50 % wave; returns its intent revision.
     */
    static long publishToHalf(FleetHarness fleet, String app, Duration soak) {
        RolloutPolicy.Builder waves = RolloutPolicy.newBuilder().addWaves(Wave.newBuilder().setPercent(20))
                .addWaves(Wave.newBuilder().setPercent(50)).addWaves(Wave.newBuilder().setPercent(100));
        if (!soak.isZero()) {
            waves.setMinSoak(com.google.protobuf.util.Durations.fromMillis(soak.toMillis()));
        }
        long v2 = fleet.publish(Intents.app(app, "2", Map.of("tier", "store"), List.of()).setRollout(waves).build())
                .getIntentRevision();
        await().atMost(Duration.ofSeconds(60)).until(() -> app(fleet, app).getWavePercent() >= 50);
        return v2;
    }

    /** Samples each relay's mirror of the hub's desired bucket every second, for a slow step's diagnosis. */
    static final class MirrorSampler implements AutoCloseable {
        private final java.util.List<String> samples = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private final java.util.concurrent.ScheduledExecutorService every = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        private final java.util.Map<String, io.nats.client.Connection> relays = new java.util.LinkedHashMap<>();

        MirrorSampler(long since) throws Exception {
            for (String region : FABRIC.fleet().regionNames()) {
                relays.put(region, FABRIC.connectRelay(region));
            }
            every.scheduleAtFixedRate(() -> relays.forEach((region, c) -> samples.add("+" + ms(System.nanoTime() - since) + " ms "
                    + region + ": " + HaMirrorIT.mirrorState(c))), 0, 1, TimeUnit.SECONDS);
        }

        String samples() {
            return String.join("\n", samples);
        }

        @Override
        public void close() throws Exception {
            every.shutdownNow();
            for (io.nats.client.Connection c : relays.values()) {
                c.close();
            }
        }
    }

    /** The sum of the regions' rollup sequences at the hub: it grows as rollups arrive. */
    static long sequences(FleetHarness fleet) {
        return fleet.fleetService.withDeadlineAfter(5, TimeUnit.SECONDS).getRollup(GetRollupRequest.getDefaultInstance())
                .getRollup().getRegionsList().stream().mapToLong(io.cascade.proto.RegionHealth::getSequence).sum();
    }

    static long sequencesOrZero(FleetHarness fleet) {
        try {
            return sequences(fleet);
        } catch (RuntimeException e) {
            return 0;
        }
    }

    static AppRollup appOrDefault(FleetHarness fleet, String app) {
        try {
            return app(fleet, app);
        } catch (RuntimeException e) {
            return AppRollup.getDefaultInstance();
        }
    }

    static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    static long awaitNanos(java.util.concurrent.Callable<Boolean> condition) {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50)).until(condition);
        return System.nanoTime();
    }

    /** Waits until the rollout of {@code app} is past its 50 % wave (or complete); the System.nanoTime() it first was. */
    static long awaitPastHalf(FleetHarness fleet, String app) {
        return awaitNanos(() -> {
            AppRollup a = appOrDefault(fleet, app);
            return a.getWavePercent() > 50 || a.getRolloutState() == RolloutState.STABLE;
        });
    }

    /**
     * Waits until the hub has {@code revision} of {@code app} stable and ready at all {@code sites}, then until every
     * edge of {@code hosts} runs it; returns the System.nanoTime() the hub had it complete.
     */
    static long awaitComplete(FleetHarness fleet, String app, long revision, int sites, List<EdgeHost> hosts) {
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            AppRollup a = app(fleet, app);
            return a.getRolloutState() == RolloutState.STABLE && a.getStableIntentRevision() == revision
                    && ready(a, revision) == sites;
        });
        long complete = System.nanoTime();
        await().atMost(Duration.ofSeconds(30)).until(() -> RolloutIT.allRun(hosts, app, revision));
        return complete;
    }

    static int ready(AppRollup a, long revision) {
        return a.getCounts().getRevisionsList().stream().filter(r -> r.getIntentRevision() == revision)
                .mapToInt(RevisionRollup::getReady).sum();
    }

    static int journalsAt(List<EdgeHost> hosts, String app, long revision) {
        int n = 0;
        for (EdgeHost h : hosts) {
            for (EdgeNode e : h.edges()) {
                AppliedRecord rec = h.journals().site(e.config().site()).applied().get(app);
                if (rec != null && rec.intentRevision() == revision) {
                    n++;
                }
            }
        }
        return n;
    }

    static AppRollup app(FleetHarness fleet, String app) {
        GlobalRollup g = fleet.fleetService.withDeadlineAfter(5, TimeUnit.SECONDS)
                .getRollup(GetRollupRequest.newBuilder().setApp(app).build()).getRollup();
        return g.getAppsList().stream().filter(a -> a.getCounts().getApp().equals(app)).findFirst()
                .orElse(AppRollup.getDefaultInstance());
    }
}
