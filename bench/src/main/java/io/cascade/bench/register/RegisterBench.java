package io.cascade.bench.register;

import io.cascade.bench.CpuTimes;
import io.cascade.bench.Jvm;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.edge.EdgeConfig;
import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Providers;
import io.cascade.edge.registration.SiteIdentity;
import io.cascade.proto.CreateTokenRequest;
import io.cascade.proto.RegionHealth;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registration scenario. Each simulated device, on its own virtual thread, at most
 * {@code callers} at once: makes its key and calls RegisterSite on its own TLS channel (stage
 * {@code register}), stores its identity files ({@code store}), starts as an edge on its region's
 * edge host: journal, TLS connection to the relay, subscriptions ({@code connect}), and waits for
 * the relay to acknowledge its first status report ({@code firstAck}). The total runs from the
 * first call until the hub's rollup counts every site online.
 */
final class RegisterBench {

    private static final Logger LOG = LoggerFactory.getLogger(RegisterBench.class);
    static final Map<String, String> LABELS = Map.of("tier", "store");

    private final BenchFleet fleet;
    private final Path dir;
    private final int sites;
    private final int callers;
    private final Duration timeout;

    RegisterBench(BenchFleet fleet, Path dir, int sites, int callers, Duration timeout) {
        this.fleet = fleet;
        this.dir = dir;
        this.sites = sites;
        this.callers = callers;
        this.timeout = timeout;
    }

    /** One device's stage times, in ms; {@code error} when it did not get through. */
    record Device(String site, double registerMs, double storeMs, double connectMs, double firstAckMs, String error) {}

    RegisterReport run() throws Exception {
        String startedAt = Instant.now().toString();
        var machine = fleet.machine();
        Map<String, String> tokens = new LinkedHashMap<>();
        for (String region : BenchFleet.REGIONS) {
            int share = region.equals("eu") ? (sites + 1) / 2 : sites / 2;
            if (share > 0) {
                tokens.put(region, fleet.fleetService().createToken(CreateTokenRequest.newBuilder().setRegion(region)
                        .putAllLabels(LABELS).setMaxUses(share).build()).getToken());
            }
        }
        SiteIdentity.Hub hub = new SiteIdentity.Hub("127.0.0.1:" + fleet.hub().grpcPort(), fleet.fabric().trust().caCertFile());
        Map<String, EdgeHost> hosts = new LinkedHashMap<>();
        for (String region : tokens.keySet()) {
            hosts.put(region, EdgeHost.open(EdgeTuning.DEFAULTS, dir.resolve("journal-" + region)));
        }
        Device[] devices = new Device[sites];
        try {
            CpuTimes before = fleet.cpu();
            long gcBefore = Jvm.gcPauseMillis();
            long t0 = System.nanoTime();
            Semaphore permits = new Semaphore(callers);
            AtomicReference<Long> firstOnlineAll = new AtomicReference<>();
            try (ExecutorService devicesRunning = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < sites; i++) {
                    permits.acquire();
                    int index = i;
                    String region = i % 2 == 0 ? "eu" : "us";
                    String site = String.format("%s-dev-%05d", region, i / 2 + 1);
                    devicesRunning.execute(() -> {
                        try {
                            devices[index] = device(site, region, tokens.get(region), hub, hosts.get(region));
                        } finally {
                            permits.release();
                        }
                    });
                }
            }
            double allAckedMs = Jvm.ms(System.nanoTime() - t0);
            long deadline = t0 + timeout.toNanos();
            while (online() < sites) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("within " + timeout + " the hub counted " + online() + " of " + sites + " online");
                }
                Thread.sleep(10);
            }
            double totalMs = Jvm.ms(System.nanoTime() - t0);
            var cpu = fleet.cpu().millisSince(before);
            long gc = Jvm.gcPauseMillis() - gcBefore;
            int inSiteSet = fleet.hub().sites().size();
            LOG.info("{} sites registered, connected and counted online at the hub in {} ms (last ack at {} ms)", sites, totalMs,
                    allAckedMs);
            return RegisterReport.of(startedAt, machine, sites, callers, List.of(devices), allAckedMs, totalMs, cpu, gc, inSiteSet);
        } finally {
            for (EdgeHost h : hosts.values()) {
                h.close();
            }
        }
    }

    private Device device(String site, String region, String token, SiteIdentity.Hub hub, EdgeHost host) {
        long t0 = System.nanoTime();
        double registerMs = 0;
        double storeMs = 0;
        double connectMs = 0;
        try {
            Path identityDir = dir.resolve("devices").resolve(site);
            SiteIdentity.Joined joined = SiteIdentity.call(identityDir, site, region, LABELS, token, hub);
            long registered = System.nanoTime();
            registerMs = Jvm.ms(registered - t0);
            SiteIdentity id = SiteIdentity.store(identityDir, site, joined);
            long t1 = System.nanoTime();
            storeMs = Jvm.ms(t1 - registered);
            EdgeNode node = host.add(new EdgeConfig(site, region, id.labels(), id.relayUrls().getFirst(), Optional.empty(),
                    Optional.of(id.credentials())), Providers.fromSpec("sim"));
            long t2 = System.nanoTime();
            connectMs = Jvm.ms(t2 - t1);
            long deadline = t2 + timeout.toNanos();
            while (node.reporter().firstAckedNanos() == 0) {
                if (System.nanoTime() > deadline) {
                    return new Device(site, registerMs, storeMs, connectMs, 0, "no status ack within " + timeout);
                }
                Thread.sleep(2);
            }
            return new Device(site, registerMs, storeMs, connectMs, Jvm.ms(node.reporter().firstAckedNanos() - t2), null);
        } catch (Exception e) {
            return new Device(site, registerMs, storeMs, connectMs, 0, e.toString());
        }
    }

    private long online() {
        return fleet.hub().rollups().view(Optional.empty()).getRegionsList().stream().mapToLong(RegionHealth::getSitesOnline).sum();
    }
}
