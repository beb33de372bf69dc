package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.provider.CountingProvider;
import io.cascade.edge.provider.Providers;
import io.cascade.topology.testing.FabricExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hundreds of simulated edges in one JVM (one journal store, shared connection defaults, a virtual
 * thread each) receive one intent, and each site runs what its labels and wave say.
 */
class ManyEdgesIT {

    static final int PER_REGION = 150;

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FleetHarness.twoRegions("many", PER_REGION, "store-"));

    @Test
    void threeHundredEdgesInOneJvmApplyAnIntentOncePerSite() throws Exception {
        try (FleetHarness fleet = FleetHarness.withOwnHosts(FABRIC)) {
            List<EdgeHost> hosts = fleet.startRegionHosts(site -> Providers.fromSpec("sim:seed=1"));
            List<EdgeNode> edges = hosts.stream().flatMap(h -> h.edges().stream()).toList();
            assertThat(edges).hasSize(2 * PER_REGION);

            long t0 = System.nanoTime();
            fleet.publish(Intents.app("fleetwide", "1", Map.of("tier", "store"), List.of()).build());
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    edges.stream().allMatch(e -> ((CountingProvider) e.provider()).applyCount("fleetwide") == 1));
            System.out.printf("%d edges in one JVM applied one intent in %d ms%n", edges.size(),
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(edges).allSatisfy(e -> assertThat(e.stats().gaps()).isZero());
        }
    }
}
