package io.cascade.bench.register;

import io.cascade.bench.CpuTimes;
import io.cascade.bench.Jvm;
import io.cascade.bench.fleet.BenchFleet;
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
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registration scenario: a hub and relays (their services in this JVM), one token per region,
 * and the devices in a process of their own ({@link DeviceFleet}: each makes its key, calls
 * RegisterSite on its own TLS channel, stores its identity, starts as an edge and waits for its
 * first status ack). The total runs from the devices' start until the hub's rollup counts every
 * site online; the CPU of the hub's and relays' servers, of this JVM (hub and relay services) and
 * of the devices' process are measured apart.
 */
final class RegisterBench {

    private static final Logger LOG = LoggerFactory.getLogger(RegisterBench.class);
    static final Map<String, String> LABELS = DeviceFleet.LABELS;

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
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"), DeviceFleet.class.getName(),
                "127.0.0.1:" + fleet.hub().grpcPort(), fleet.fabric().trust().caCertFile().toString(), dir.toString(),
                String.valueOf(sites), String.valueOf(callers), String.valueOf(timeout.toSeconds())));
        tokens.forEach((region, token) -> command.add(region + "=" + token));
        Path log = dir.resolve("devices.log");
        List<Device> devices = new ArrayList<>();
        CpuTimes before = fleet.cpu();
        long gcBefore = Jvm.gcPauseMillis();
        long t0 = System.nanoTime();
        Process child = new ProcessBuilder(command).redirectError(log.toFile()).start();
        try (var lines = new java.io.BufferedReader(new java.io.InputStreamReader(child.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8))) {
            double allAckedMs = -1;
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                if (line.equals("done")) {
                    allAckedMs = Jvm.ms(System.nanoTime() - t0);
                    break;
                }
                if (line.split("\t", -1).length == 6) {
                    devices.add(DeviceFleet.parse(line));
                } else {
                    LOG.info("device process: {}", line); // not a device's line (e.g. the JVM's own notices)
                }
            }
            if (allAckedMs < 0) {
                throw new IllegalStateException("the device process ended early (exit " + child.waitFor() + "); see " + log);
            }
            long deadline = t0 + timeout.toNanos();
            while (online() < sites) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("within " + timeout + " the hub counted " + online() + " of " + sites + " online");
                }
                Thread.sleep(10);
            }
            double totalMs = Jvm.ms(System.nanoTime() - t0);
            Map<String, Double> cpu = new LinkedHashMap<>(fleet.cpu().millisSince(before));
            cpu.put("hub-and-relay-services-jvm", cpu.remove(CpuTimes.BENCH_JVM));
            cpu.put(RegisterReport.DEVICES, Math.round(child.info().totalCpuDuration().map(Duration::toNanos).orElse(0L) / 100_000.0) / 10.0);
            long gc = Jvm.gcPauseMillis() - gcBefore;
            int inSiteSet = fleet.hub().sites().size();
            LOG.info("{} sites registered, connected and counted online at the hub in {} ms (last ack at {} ms)", sites, totalMs,
                    allAckedMs);
            return RegisterReport.of(startedAt, machine, sites, callers, devices, allAckedMs, totalMs, cpu, gc, inSiteSet);
        } finally {
            child.getOutputStream().close(); // the devices stop
            if (!child.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    private long online() {
        return fleet.hub().rollups().view(Optional.empty()).getRegionsList().stream().mapToLong(RegionHealth::getSitesOnline).sum();
    }
}
