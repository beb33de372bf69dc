package io.cascade.bench.catchup;

import io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub;
import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Publishes a list of intents through the hub's gRPC FleetService with at most {@code concurrency}
 * calls in flight (one virtual thread each, taking the next intent when its call returns). The hub runs
 * publishes of one app one at a time and numbers them in that order, so when several of one app are in
 * flight together their order is the hub's, not the list's: the app's last version is the one whose
 * response carries the highest intent revision ({@link Outcome#latestPerApp()}).
 */
final class IntentBurst {

    /** Deadline of one PublishIntent call. */
    static final Duration CALL_DEADLINE = Duration.ofSeconds(60);

    private IntentBurst() {}

    /**
     * One answered publish.
     *
     * @param app          the intent's app
     * @param version      its bundle version
     * @param revision     the intent revision the hub stored it as
     * @param unchanged    the hub found it equal to the app's current intent (no new revision)
     * @param latencyNanos from the call to its response
     */
    record Published(String app, String version, long revision, boolean unchanged, long latencyNanos) {}

    /**
     * @param published every publish, in the list's order
     * @param wallNanos from the first call to the last response
     */
    record Outcome(List<Published> published, long wallNanos) {

        /** Per app, the publish with the highest intent revision: what the app must end up running. */
        Map<String, Published> latestPerApp() {
            Map<String, Published> latest = new TreeMap<>();
            for (Published p : published) {
                latest.merge(p.app(), p, (a, b) -> b.revision() > a.revision() ? b : a);
            }
            return latest;
        }

        /** {@link #latestPerApp()} as app → intent revision. */
        Map<String, Long> latestRevisions() {
            Map<String, Long> out = new LinkedHashMap<>();
            latestPerApp().forEach((app, p) -> out.put(app, p.revision()));
            return out;
        }

        /** Each publish's latency in milliseconds, in the list's order. */
        double[] latenciesMs() {
            return published.stream().mapToDouble(p -> p.latencyNanos() / 1_000_000.0).toArray();
        }

        int unchanged() {
            return (int) published.stream().filter(Published::unchanged).count();
        }
    }

    /**
     * Publishes {@code intents}; the first refused or failed call stops the burst and is thrown
     * (naming the intent and the gRPC status) once every call in flight has returned.
     */
    static Outcome publish(FleetServiceBlockingStub hub, List<Intent> intents, int concurrency) throws InterruptedException {
        int n = intents.size();
        Published[] out = new Published[n];
        AtomicInteger next = new AtomicInteger();
        AtomicReference<IllegalStateException> failure = new AtomicReference<>();
        long start = System.nanoTime();
        try (ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < Math.min(concurrency, n); w++) {
                workers.execute(() -> {
                    for (int i = next.getAndIncrement(); i < n && failure.get() == null; i = next.getAndIncrement()) {
                        Intent intent = intents.get(i);
                        long t0 = System.nanoTime();
                        try {
                            PublishIntentResponse r = hub.withDeadlineAfter(CALL_DEADLINE.toMillis(), TimeUnit.MILLISECONDS)
                                    .publishIntent(PublishIntentRequest.newBuilder().setIntent(intent).build());
                            out[i] = new Published(intent.getApp(), intent.getBundle().getVersion(), r.getIntentRevision(),
                                    r.getUnchanged(), System.nanoTime() - t0);
                        } catch (StatusRuntimeException e) {
                            failure.compareAndSet(null, new IllegalStateException("publish " + (i + 1) + " of " + n + " (app "
                                    + intent.getApp() + " version " + intent.getBundle().getVersion() + ") failed: "
                                    + e.getStatus(), e));
                        }
                    }
                });
            }
        }
        long wall = System.nanoTime() - start;
        if (failure.get() != null) {
            throw failure.get();
        }
        return new Outcome(List.of(out), wall);
    }
}
