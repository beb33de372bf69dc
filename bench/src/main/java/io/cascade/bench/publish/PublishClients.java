package io.cascade.bench.publish;

import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * {@code count} operators, each with its own gRPC channel (its own TCP connection and HTTP/2 session)
 * to the hub, each calling PublishIntent back-to-back on its own thread. A blocking call runs on the
 * calling thread, so a client has exactly one publish in flight, as an operator or a CI job does.
 */
final class PublishClients implements AutoCloseable {

    /** A latency slot of a publish that failed (or never got an answer). */
    private static final long FAILED = -1;
    /** The error key of a failure in this JVM rather than a gRPC status. */
    static final String CLIENT_ERROR = "CLIENT";

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<FleetServiceBlockingStub> stubs = new ArrayList<>();
    private final Duration deadline;

    private PublishClients(Duration deadline) {
        this.deadline = deadline;
    }

    /**
     * Opens {@code count} channels to the hub's gRPC port and makes one ListIntents call on each, so every
     * connection is up (TCP, HTTP/2 settings) before anything is timed.
     */
    static PublishClients connect(int grpcPort, java.nio.file.Path ca, String token, int count, Duration deadline) {
        PublishClients clients = new PublishClients(deadline);
        try {
            for (int c = 0; c < count; c++) {
                ManagedChannel channel = BenchFleet.channel(grpcPort, ca, token);
                clients.channels.add(channel);
                FleetServiceBlockingStub stub = FleetServiceGrpc.newBlockingStub(channel);
                stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                        .listIntents(ListIntentsRequest.newBuilder().setPageSize(1).build());
                clients.stubs.add(stub);
            }
            return clients;
        } catch (RuntimeException e) {
            clients.close();
            throw e;
        }
    }

    /** The state of an app after a level: its publish with the highest intent revision. */
    record Published(long revision, String version) {}

    /**
     * What the publishes of one level did.
     *
     * @param wallNanos      from the start signal to the last client's last answer
     * @param latencyNanos   every successful publish's round trip, in publish order
     * @param errors         failed publishes by gRPC status code
     * @param firstError     the first failure's status and description, or null
     * @param unchanged      successful publishes the hub answered {@code unchanged} (each carried a new version: 0)
     * @param lastByApp      per app, the successful publish with the highest intent revision
     * @param before         the probe's sample just before the start signal
     * @param after          the probe's sample just after the last answer
     * @param <S>            what the probe samples
     */
    record Outcome<S>(long wallNanos, long[] latencyNanos, Map<String, Integer> errors, String firstError, int unchanged,
                      Map<String, Published> lastByApp, S before, S after) {

        int succeeded() {
            return latencyNanos.length;
        }
    }

    /**
     * Runs {@code publishes} publishes over the clients, all starting together: publish {@code i} (handed
     * out in order to whichever client is free) is app {@code apps[i % apps.size()]} at bundle version
     * {@code <versionTag>.<i>}, an intent built before its call is timed. {@code probe} is sampled right
     * before the start and right after the last answer, outside the timed span.
     */
    <S> Outcome<S> publish(int publishes, List<String> apps, String versionTag, int padBytes, Supplier<S> probe)
            throws InterruptedException {
        long[] latency = new long[publishes];
        Arrays.fill(latency, FAILED);
        Map<String, Integer> errors = new ConcurrentHashMap<>();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicInteger unchanged = new AtomicInteger();
        Map<String, Published> lastByApp = new ConcurrentHashMap<>();
        AtomicInteger next = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int c = 0; c < stubs.size(); c++) {
            FleetServiceBlockingStub stub = stubs.get(c);
            threads.add(Thread.ofPlatform().name("bench-publisher-" + c).start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = next.getAndIncrement(); i < publishes; i = next.getAndIncrement()) {
                    String app = apps.get(i % apps.size());
                    String version = versionTag + "." + i;
                    PublishIntentRequest request = PublishIntentRequest.newBuilder()
                            .setIntent(BenchIntents.app(app, version, padBytes)).build();
                    long t0 = System.nanoTime();
                    try {
                        PublishIntentResponse response = stub.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS)
                                .publishIntent(request);
                        latency[i] = System.nanoTime() - t0;
                        if (response.getUnchanged()) {
                            unchanged.incrementAndGet();
                        }
                        Published p = new Published(response.getIntentRevision(), version);
                        lastByApp.merge(app, p, (a, b) -> a.revision() >= b.revision() ? a : b);
                    } catch (StatusRuntimeException e) {
                        errors.merge(e.getStatus().getCode().name(), 1, Integer::sum);
                        firstError.compareAndSet(null, app + " " + version + ": " + e.getStatus());
                    } catch (RuntimeException e) { // not from the hub: counted apart from the status codes
                        errors.merge(CLIENT_ERROR, 1, Integer::sum);
                        firstError.compareAndSet(null, app + " " + version + ": " + e);
                    }
                }
            }));
        }
        S before = probe.get();
        long t0 = System.nanoTime();
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long wall = System.nanoTime() - t0;
        S after = probe.get();
        long[] ok = Arrays.stream(latency).filter(l -> l != FAILED).toArray();
        return new Outcome<>(wall, ok, Map.copyOf(errors), firstError.get(), unchanged.get(), Map.copyOf(lastByApp),
                before, after);
    }

    /** Shuts every channel down and waits for it. */
    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        for (ManagedChannel ch : channels) {
            try {
                ch.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
