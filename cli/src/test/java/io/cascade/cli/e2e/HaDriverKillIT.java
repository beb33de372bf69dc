package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.util.Timestamps;
import io.cascade.topology.launch.TierProcess;
import io.cascade.edge.EdgeHost;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.AppRollup;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.GetIntentRequest;
import io.cascade.topology.Subjects;
import io.cascade.topology.launch.FreePorts;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.ServerCertificate;
import io.nats.client.Connection;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two hub service replicas, each a {@code cascade hub} child process on an HA hub (3 nats-servers, real): kill -9 of
 * the replica that drives a rollout, mid-rollout. The other takes the lease and the rollout completes with no wave
 * skipped or run twice (every write of the region's desired doc is watched) and the wave's soak continued, not started
 * over nor cut short (its start is in the doc), every edge applied the new release
 * exactly once and converged, the hub's final rollup equals the edges' journals, the intent accepted before the kill
 * is kept. Prints the time from the kill to the new driver and to the next wave step.
 */
class HaDriverKillIT {

    static final int PER_REGION = 20;
    static final String APP = "ha-driven";
    /** Each wave's minimum soak: the kill lands inside the 50 % wave's soak, which the new driver continues. */
    static final Duration SOAK = Duration.ofSeconds(6);
    static final String FLEET = FleetHarness.twoRegions("ha-driver", PER_REGION, "shop-");

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.fromYaml(FLEET).withHaHub();

    @Test
    void aRolloutCompletesWithNoWaveSkippedOrRunTwiceWhenItsDriverIsKilled() throws Exception {
        Path dir = FABRIC.newDir("hub-services");
        int[] ports = {FreePorts.next(), FreePorts.next()};
        List<String> common = hubArgs(dir);
        try (TierProcess a = startHub(dir, "hub-a", ports[0], common);
                TierProcess b = startHub(dir, "hub-b", ports[1], common);
                Connection nats = FABRIC.connectHub()) {
            long driverPid = await().atMost(Duration.ofSeconds(60)).until(() -> leaseHolderOrZero(nats), pid -> pid > 0);
            TierProcess driver = driverPid == a.pid() ? a : b;
            TierProcess standby = driver == a ? b : a;
            assertThat(driverPid).as("the lease names one of the two replicas").isEqualTo(driver.pid());
            String standbyAddress = "127.0.0.1:" + ports[driver == a ? 1 : 0];

            Map<String, RecordingProvider> providers = new ConcurrentHashMap<>();
            try (FleetHarness fleet = FleetHarness.withHubAt(FABRIC, standbyAddress)) {
                try {
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> HaRolloutIT.sequences(fleet) >= 0);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    throw new AssertionError("the standby hub service does not answer at " + standbyAddress + " (alive: "
                            + standby.isAlive() + "); its log ends with:\n" + standby.logTail(40), e);
                }
                List<EdgeHost> hosts = fleet.startRegionHosts(
                        site -> providers.computeIfAbsent(site, s -> new RecordingProvider(Providers.fromSpec("sim:seed=1"))));
                long v1 = fleet.publish(Intents.app(APP, "1", Map.of("tier", "store"), List.of()).build()).getIntentRevision();
                await().atMost(Duration.ofSeconds(60)).until(() -> RolloutIT.allRun(hosts, APP, v1));

                List<String> writes = Collections.synchronizedList(new ArrayList<>());
                Map<String, Long> waveStarts = new ConcurrentHashMap<>();
                for (String region : List.of("eu", "us")) {  // one key per watch: 2.9 has no multi-filter consumers
                    // on these 2 cores a busy 3-node cluster once took over 5 s to create a consumer: try again
                    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> nats.keyValue(Subjects.KV_DESIRED)
                            .watch(Subjects.desiredAppKey(region, APP), recorder(writes, waveStarts), KeyValueWatchOption.UPDATES_ONLY)
                            != null);
                }
                long v2 = HaRolloutIT.publishToHalf(fleet, APP, SOAK);

                driver.kill();
                long killed = System.nanoTime();
                long killedAt = System.currentTimeMillis();
                long takeover = HaRolloutIT.awaitNanos(() -> leaseHolderOrZero(nats) == standby.pid()) - killed;
                long nextStep = HaRolloutIT.awaitPastHalf(fleet, APP) - killed;
                long done = HaRolloutIT.awaitComplete(fleet, APP, v2, 2 * PER_REGION, hosts) - killed;

                for (String region : List.of("eu", "us")) {
                    assertThat(writes.stream().filter(w -> w.startsWith(region + " ")).toList())
                            .as("every write of %s's desired doc: each wave once, in order, then stable once", region)
                            .containsExactly(region + " ROLLING_OUT 20", region + " ROLLING_OUT 50", region + " ROLLING_OUT 100",
                                    region + " STABLE 100");
                }
                for (String region : List.of("eu", "us")) {
                    assertThat(waveStarts.get(region + " 100") - waveStarts.get(region + " 50"))
                            .as("%s: the 50%% wave soaked its %s across the change of driver", region, SOAK)
                            .isGreaterThanOrEqualTo(SOAK.toMillis());
                }
                assertThat(providers).hasSize(2 * PER_REGION);
                providers.forEach((site, p) -> assertThat(p.applies(APP)).as("%s applied v1 once and v2 once", site).isEqualTo(2));
                AppRollup last = HaRolloutIT.app(fleet, APP);
                assertThat(HaRolloutIT.ready(last, v2)).as("the hub's rollup equals the edges' journals")
                        .isEqualTo(HaRolloutIT.journalsAt(hosts, APP, v2)).isEqualTo(2 * PER_REGION);
                assertThat(fleet.fleetService.withDeadlineAfter(10, TimeUnit.SECONDS)
                        .getIntent(GetIntentRequest.newBuilder().setApp(APP).build()).getIntentRevision())
                        .as("the intent accepted before the kill").isEqualTo(v2);
                System.out.printf("HA hub, 2 hub service replicas (child processes), rollout of %d sites in waves 20/50/100%% "
                                + "soaking %d s each: the driving replica killed -9 %d ms into the 50%% wave: the standby held the lease after %d ms, the next "
                                + "wave step after %d ms, rollout complete %d ms after the kill%n", 2 * PER_REGION,
                        SOAK.toSeconds(), killedAt - waveStarts.get("eu 50"), HaRolloutIT.ms(takeover), HaRolloutIT.ms(nextStep), HaRolloutIT.ms(done));
            }
        }
    }

    /** What every {@code cascade hub} replica is started with: the HA hub's nodes, R3 buckets and the trust material. */
    static List<String> hubArgs(Path dir) throws Exception {
        ServerCertificate tls = FABRIC.hubCertificate();
        Path fleetFile = Files.writeString(dir.resolve("fleet.yaml"), FLEET);
        Path creds = FABRIC.credentials(new Identity.HubService()).write(dir.resolve("hub.creds"));
        return List.of("hub", "--nats", FABRIC.fabric().hubUrls(), "--replicas", String.valueOf(FABRIC.fabric().bucketReplicas()),
                "--creds", creds.toString(), "--tls-cert", tls.certFile().toString(), "--tls-key", tls.keyFile().toString(),
                "--api-key", FABRIC.apiKey(), "--client-ca", FABRIC.caFile().toString(), "--fleet", fleetFile.toString(),
                "--grpc-host", "127.0.0.1");
    }

    static TierProcess startHub(Path dir, String name, int port, List<String> common) {
        List<String> args = new ArrayList<>(common);
        args.addAll(List.of("--grpc-port", String.valueOf(port)));
        return TierProcess.start(name, dir.resolve("logs"), io.cascade.cli.Cascade.class.getName(), args);
    }

    /** The pid in the rollout driver's lease ({@code host/pid/random}); 0 while none holds it (or its bucket is not made yet). */
    static long leaseHolder(Connection nats) throws Exception {
        return io.cascade.topology.client.Lease.holderPid(nats.keyValue(Subjects.KV_LEASES),
                io.cascade.topology.client.Lease.ROLLOUT_DRIVER).orElse(0);
    }

    static long leaseHolderOrZero(Connection nats) {
        try {
            return leaseHolder(nats);
        } catch (Exception e) {
            return 0;
        }
    }

    /** Records each put of a desired doc as {@code "<region> <state> <wave>"}, and when each wave started (ms). */
    static KeyValueWatcher recorder(List<String> writes, Map<String, Long> waveStarts) {
        return new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                try {
                    DesiredDoc d = DesiredDoc.parseFrom(entry.getValue());
                    writes.add(d.getRegion() + " " + d.getRolloutState() + " " + d.getWavePercent());
                    if (d.hasWaveStarted()) {
                        waveStarts.put(d.getRegion() + " " + d.getWavePercent(), Timestamps.toMillis(d.getWaveStarted()));
                    }
                } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                    writes.add(entry.getKey() + " unreadable: " + e.getMessage());
                }
            }

            @Override
            public void endOfData() {
            }
        };
    }
}
