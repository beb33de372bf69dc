package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.journal.AppliedRecord;
import io.cascade.edge.provider.AppDesired;
import io.cascade.edge.provider.ForwardingProvider;
import io.cascade.edge.provider.ProviderException;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.AppRollup;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.RolloutState;
import io.cascade.proto.Wave;
import io.cascade.topology.targeting.Waves;
import io.cascade.topology.testing.FabricExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rollout driven by the rollup: 20 % of the edges fail the new revision, the rollout pauses in
 * its first wave, {@code cascade sites --state FAILED} lists exactly the failed sites with their
 * message, and a rollback brings the previous revision back everywhere.
 */
class RolloutIT {

    static final int PER_REGION = 50;
    static final String APP = "canary";

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FleetHarness.twoRegions("waves", PER_REGION, "shop-"));

    /** Fails every apply of bundle version 2 on the sites it is given, as a broken release would. */
    static final class FailsVersionTwo extends ForwardingProvider {
        FailsVersionTwo() {
            super(Providers.fromSpec("sim:seed=1"));
        }

        @Override
        public void apply(AppDesired desired) throws ProviderException {
            if (desired.version().equals("2")) {
                throw new ProviderException("image pull failed: registry.example/canary:2 not found", false);
            }
            super.apply(desired);
        }
    }

    @Test
    void failuresPauseTheFirstWaveSitesListsThemAndRollbackRestoresThePreviousRevision() throws Exception {
        List<String> allSites = FABRIC.fleet().sites().map(s -> s.name()).toList();
        // 20 % of the sites, chosen by a hash independent of the rollout's waves
        Set<String> failing = new TreeSet<>();
        for (String s : allSites) {
            if (Waves.bucket(s, "broken-release") < Waves.BUCKETS / 5) {
                failing.add(s);
            }
        }
        try (FleetHarness fleet = FleetHarness.withOwnHosts(FABRIC)) {
            List<EdgeHost> hosts = fleet.startRegionHosts(
                    site -> failing.contains(site) ? new FailsVersionTwo() : Providers.fromSpec("sim:seed=1"));
            long v1 = fleet.publish(Intents.app(APP, "1", Map.of("tier", "store"), List.of()).build()).getIntentRevision();
            await().atMost(Duration.ofSeconds(60)).until(() -> allRun(hosts, v1));

            RolloutPolicy policy = RolloutPolicy.newBuilder()
                    .addWaves(Wave.newBuilder().setPercent(30)).addWaves(Wave.newBuilder().setPercent(100))
                    .setFailureLimitPercent(5).build();
            long v2 = fleet.publish(Intents.app(APP, "2", Map.of("tier", "store"), List.of()).setRollout(policy).build())
                    .getIntentRevision();

            FleetHarness.Run watch = fleet.cascade("rollout", "watch", APP);
            assertThat(watch.exitCode()).as(watch.err()).isEqualTo(io.cascade.cli.rollup.RolloutCommand.PAUSED);
            assertThat(watch.out()).containsPattern(APP + " \\[[#-]{30}\\] \\d+/100 ready at revision " + v2 + ", wave 30%")
                    .endsWith(APP + ": rollout paused\n");
            AppRollup paused = app(fleet);
            assertThat(paused.getWavePercent()).as("paused in wave 1").isEqualTo(30);
            Set<String> expectedFailed = new TreeSet<>();
            for (String s : failing) {
                if (Waves.inWave(s, APP, 30)) {
                    expectedFailed.add(s);
                }
            }
            assertThat(expectedFailed).isNotEmpty();

            String listed = cascade(fleet, "sites", "--app", APP, "--state", "FAILED");
            Set<String> listedSites = new TreeSet<>();
            for (String line : listed.split("\n")) {
                if (line.contains(" FAILED ")) {
                    listedSites.add(line.split("\\s+")[0]);
                    assertThat(line).contains("image pull failed: registry.example/canary:2 not found");
                }
            }
            assertThat(listedSites).isEqualTo(expectedFailed);

            assertThat(cascade(fleet, "rollout", "rollback", APP)).isEqualTo(APP + ": STABLE at wave 100%\n");
            await().atMost(Duration.ofSeconds(60)).until(() -> allRun(hosts, v1));
            assertThat(app(fleet).getRolloutState()).isEqualTo(RolloutState.STABLE);
            assertThat(v2).isGreaterThan(v1);
        }
    }

    static boolean allRun(List<EdgeHost> hosts, long revision) {
        return allRun(hosts, APP, revision);
    }

    /** Whether every site of {@code hosts} has {@code app} applied at {@code revision}, as its journal says. */
    static boolean allRun(List<EdgeHost> hosts, String app, long revision) {
        for (EdgeHost h : hosts) {
            for (EdgeNode e : h.edges()) {
                AppliedRecord rec = h.journals().site(e.config().site()).applied().get(app);
                if (rec == null || rec.intentRevision() != revision) {
                    return false;
                }
            }
        }
        return true;
    }

    static AppRollup app(FleetHarness fleet) {
        GlobalRollup g = fleet.fleetService.withDeadlineAfter(10, TimeUnit.SECONDS)
                .getRollup(GetRollupRequest.newBuilder().setApp(APP).build()).getRollup();
        return g.getAppsList().stream().filter(a -> a.getCounts().getApp().equals(APP)).findFirst()
                .orElse(AppRollup.getDefaultInstance());
    }

    static String cascade(FleetHarness fleet, String... args) {
        FleetHarness.Run r = fleet.cascade(args);
        assertThat(r.exitCode()).as(r.err()).isZero();
        return r.out();
    }

}
