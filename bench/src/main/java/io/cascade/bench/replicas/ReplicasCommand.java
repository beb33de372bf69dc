package io.cascade.bench.replicas;

import io.cascade.bench.BenchReport;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.ScenarioCommand;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.Buckets;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code cascade bench replicas}: what keeping a region's state in 3 copies costs per site. A relay keeps each
 * site's latest status in KV {@code status}; a region that survives losing a server (issue 28) would keep it in a
 * 3-node cluster at R3. This writes the same site statuses, in the relay's batches, into KV {@code status} on one
 * nats-server (R1) and on a 3-node cluster (R3), and reports throughput, batch latency and the servers' CPU per
 * 1,000 writes.
 */
@Command(name = "replicas", mixinStandardHelpOptions = true,
        description = {"Per-site cost of R3 state: writes --writes site statuses (--value-bytes each, --keys sites) into KV "
                + "status in batches of --batch (as a relay persists them), first on one nats-server (R1), then on a "
                + "3-node cluster (R3); reports writes/s, batch latency and the servers' CPU per 1,000 writes.",
                "Writes replicas-<writes>.json and replicas-<writes>.md to --out and prints them."})
public final class ReplicasCommand extends ScenarioCommand {

    @Option(names = "--writes", defaultValue = "50000", description = "Status writes per round (default: ${DEFAULT-VALUE}).")
    int writes;

    @Option(names = "--keys", defaultValue = "10000", description = "Distinct sites written round-robin (default: ${DEFAULT-VALUE}).")
    int keys;

    @Option(names = "--batch", defaultValue = "512", description = "Writes sent before their acks are awaited (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--value-bytes", defaultValue = "400", description = "Bytes of one status record (default: ${DEFAULT-VALUE}).")
    int valueBytes;

    private MachineFacts machine;

    @Override
    protected BenchReport run(Path dir) throws Exception {
        Instant started = Instant.now();
        List<ReplicasReport.Round> rounds = List.of(round(dir.resolve("r1"), 1), round(dir.resolve("r3"), 3));
        return new ReplicasReport(ReplicasReport.SCENARIO, started.toString(), machine,
                new ReplicasReport.Settings(writes, keys, batch, valueBytes), rounds);
    }

    private ReplicasReport.Round round(Path dir, int nodes) throws Exception {
        try (LocalFabric fabric = nodes == 1 ? LocalFabric.start(BenchFleet.fleet(1), dir)
                : LocalFabric.startHa(BenchFleet.fleet(1), dir, nodes)) {
            if (machine == null) {
                machine = MachineFacts.describe(fabric.hub());
            }
            Identity writer = new Identity.Tool("bench-replicas", List.of("$JS.API.>", "$KV." + Subjects.KV_STATUS + ".>"),
                    List.of("_INBOX.>"));
            try (Connection nats = NatsClients.connect(NatsClients.options("bench-replicas", fabric.hubUrls(),
                    Optional.of(fabric.credentials(writer))).build())) {
                createBucket(nats, nodes);
                JetStream js = nats.jetStream();
                byte[] value = new byte[valueBytes];
                ThreadLocalRandom.current().nextBytes(value);
                write(js, Math.min(writes, 2 * batch), value); // warm-up: stream leader settled, JIT warm
                long[] cpuBefore = cpu(fabric);
                long t0 = System.nanoTime();
                double[] batchMs = write(js, writes, value);
                double seconds = (System.nanoTime() - t0) / 1e9;
                long[] cpuAfter = cpu(fabric);
                double serverCpuMs = 0;
                for (int i = 0; i < cpuBefore.length; i++) {
                    serverCpuMs += (cpuAfter[i] - cpuBefore[i]) / 1e6;
                }
                long stored = nats.keyValueManagement().getStatus(Subjects.KV_STATUS).getEntryCount();
                return new ReplicasReport.Round(nodes, nodes, BenchReport.round1(writes / seconds),
                        BenchReport.round1(BenchReport.median(batchMs)), BenchReport.round1(BenchReport.percentile(batchMs, 99)),
                        BenchReport.round1(serverCpuMs), BenchReport.round1(serverCpuMs * 1000 / writes), stored);
            }
        }
    }

    /**
     * Creates KV {@code status} at {@code replicas} (retrying while a just-formed cluster refuses it) and waits for its
     * stream's leader.
     */
    private static void createBucket(Connection nats, int replicas) throws Exception {
        Buckets.create(nats.keyValueManagement(), KeyValueConfiguration.builder()
                .name(Subjects.KV_STATUS).maxHistoryPerKey(1).storageType(StorageType.File).replicas(replicas).build());
        Buckets.awaitLeader(nats.jetStreamManagement(), Subjects.KV_STATUS, replicas, Duration.ofSeconds(30));
    }

    /** {@code n} puts round the keys, {@link #batch} at a time, each batch's acks awaited; each batch's time in ms. */
    private double[] write(JetStream js, int n, byte[] value) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int done = 0; done < n; ) {
            int size = Math.min(batch, n - done);
            long t = System.nanoTime();
            List<CompletableFuture<PublishAck>> acks = new ArrayList<>(size);
            for (int i = 0; i < size; i++) {
                acks.add(js.publishAsync("$KV." + Subjects.KV_STATUS + ".site-" + ((done + i) % keys), value));
            }
            for (CompletableFuture<PublishAck> a : acks) {
                a.get(30, TimeUnit.SECONDS);
            }
            times.add((System.nanoTime() - t) / 1e6);
            done += size;
        }
        return times.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /** CPU nanoseconds of each hub nats-server process. */
    private static long[] cpu(LocalFabric fabric) {
        List<NatsServerProcess> servers = fabric.hubs();
        long[] out = new long[servers.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ProcessHandle.of(servers.get(i).pid()).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos)
                    .orElse(0L);
        }
        return out;
    }
}
