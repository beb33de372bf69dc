package io.cascade.bench.fleet;

import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GlobalRollup;
import io.cascade.topology.launch.FreePorts;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.launch.TierProcess;
import io.cascade.topology.trust.Identity;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The hub and relay services of a bench fleet as child JVMs, started the way an operator runs them
 * ({@code cascade hub} / {@code cascade relay} with every node's URL, {@code --replicas}, the services' own
 * credentials), so a bench can kill one with -9 and start it again. The bench reads and publishes through
 * whichever hub service is alive (each serves the API on its own gRPC port).
 */
public final class ServiceProcesses implements AutoCloseable {

    static final String HUB_MAIN = "io.cascade.hub.HubCommand";
    static final String RELAY_MAIN = "io.cascade.relay.RelayCommand";
    /** What each service logs once it runs (Daemon.runUntilStopped). */
    static final String RUNNING = " running; stop it with";
    static final Duration START_WAIT = Duration.ofSeconds(120);

    /** One hub service: its process, gRPC port and a channel to it. */
    public record HubService(TierProcess process, int grpcPort, ManagedChannel channel) {}

    private final List<HubService> hubs = new ArrayList<>();
    private final Map<String, List<TierProcess>> relays = new LinkedHashMap<>();

    private ServiceProcesses() {
    }

    /**
     * Starts {@code hubServices} hub services, then {@code relayServices} relay services per region, and waits until
     * each logged that it runs.
     */
    static ServiceProcesses start(LocalFabric fabric, String fleetYaml, Path dir, int hubServices, int relayServices)
            throws IOException, InterruptedException {
        ServiceProcesses s = new ServiceProcesses();
        try {
            Path logs = dir.resolve("logs");
            Path fleetFile = Files.writeString(Files.createDirectories(dir).resolve("fleet.yaml"), fleetYaml);
            Path cert = dir.resolve("hub-grpc.crt");
            Path key = dir.resolve("hub-grpc.key");
            fabric.trust().issueServerCertificate(List.of("127.0.0.1", "localhost"), cert, key);
            Path hubCreds = fabric.credentials(new Identity.HubService()).write(dir.resolve("hub.creds"));
            String token = BenchFleet.operatorToken(fabric);
            String replicas = String.valueOf(fabric.bucketReplicas());
            for (int i = 1; i <= hubServices; i++) {
                int port = FreePorts.next();
                TierProcess p = TierProcess.start("hub-" + i, logs, HUB_MAIN, List.of("--nats", fabric.hubUrls(),
                        "--replicas", replicas, "--creds", hubCreds.toString(), "--tls-cert", cert.toString(),
                        "--tls-key", key.toString(), "--api-key", fabric.trust().apiPublicKey(),
                        "--client-ca", fabric.trust().caCertFile().toString(), "--fleet", fleetFile.toString(),
                        "--grpc-host", "127.0.0.1", "--grpc-port", String.valueOf(port)));
                s.hubs.add(new HubService(p, port, BenchFleet.channel(port, fabric.trust().caCertFile(), token)));
            }
            for (HubService h : s.hubs) {
                awaitRunning(h.process(), 1);
            }
            for (String region : fabric.fleet().regions().stream().map(r -> r.name()).toList()) {
                Path creds = fabric.credentials(new Identity.RelayService(region)).write(dir.resolve("relay-" + region + ".creds"));
                List<TierProcess> list = new ArrayList<>();
                for (int i = 1; i <= relayServices; i++) {
                    list.add(TierProcess.start("relay-" + region + "-" + i, logs, RELAY_MAIN, List.of("--region", region,
                            "--nats", fabric.relayUrls(region), "--replicas", replicas, "--creds", creds.toString(),
                            "--fleet", fleetFile.toString())));
                }
                s.relays.put(region, list);
            }
            for (List<TierProcess> list : s.relays.values()) {
                for (TierProcess p : list) {
                    awaitRunning(p, 1);
                }
            }
            return s;
        } catch (IOException | RuntimeException | InterruptedException e) {
            s.close();
            throw e;
        }
    }

    public List<HubService> hubs() {
        return List.copyOf(hubs);
    }

    public List<TierProcess> relays(String region) {
        return List.copyOf(relays.getOrDefault(region, List.of()));
    }

    /** A FleetService stub on the first hub service whose process is alive. */
    public FleetServiceGrpc.FleetServiceBlockingStub fleetService() {
        HubService h = hubs.stream().filter(x -> x.process().isAlive()).findFirst()
                .orElseThrow(() -> new IllegalStateException("no hub service is running"));
        return FleetServiceGrpc.newBlockingStub(h.channel());
    }

    /** The global rollup as a live hub service serves it (GetRollup). */
    GlobalRollup rollup(Optional<String> app) {
        GetRollupRequest.Builder request = GetRollupRequest.newBuilder();
        app.ifPresent(request::setApp);
        return fleetService().withDeadlineAfter(10, TimeUnit.SECONDS).getRollup(request.build()).getRollup();
    }

    /** Starts a killed service again (same command, same ports) and waits until it logged that it runs once more. */
    public static void restart(TierProcess p) throws IOException, InterruptedException {
        int before = runs(p);
        p.restart();
        awaitRunning(p, before + 1);
    }

    private static void awaitRunning(TierProcess p, int runs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (runs(p) < runs) {
            if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                throw new IOException(p.name() + (p.isAlive() ? " did not start within " + START_WAIT.toSeconds() + " s" : " exited")
                        + "; " + p.log() + " ends with:\n" + p.logTail(30));
            }
            Thread.sleep(100);
        }
    }

    /** How often the process logged that it runs (its log goes on across restarts). */
    private static int runs(TierProcess p) throws IOException {
        if (!Files.exists(p.log())) {
            return 0;
        }
        String log = Files.readString(p.log());
        int n = 0;
        for (int i = log.indexOf(RUNNING); i >= 0; i = log.indexOf(RUNNING, i + 1)) {
            n++;
        }
        return n;
    }

    /** Relay services first, then the hub services (SIGTERM, then SIGKILL after a grace period). */
    @Override
    public void close() {
        relays.values().stream().flatMap(List::stream).parallel().forEach(TierProcess::close);
        for (HubService h : hubs) {
            h.channel().shutdownNow();
        }
        hubs.parallelStream().forEach(h -> h.process().close());
    }
}
