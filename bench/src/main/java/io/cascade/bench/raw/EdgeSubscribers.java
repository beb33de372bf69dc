package io.cascade.bench.raw;

import io.cascade.topology.client.NatsClients;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Message;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * N plain NATS connections standing in for edges, spread round-robin over the relays; subscriber
 * {@code i} subscribes to {@link #SHARED_SUBJECT} and to its own {@link #siteSubject(int)}. A message's
 * 4-byte payload is its id; the callback only records when it arrived ({@link Delivery}).
 */
final class EdgeSubscribers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeSubscribers.class);

    static final String SHARED_SUBJECT = "bench.raw.all";
    static final String SITE_SUBJECTS = "bench.raw.site.<i>";
    private static final Duration FLUSH = Duration.ofSeconds(30);

    private final List<String> relayUrls;
    private final Delivery[] deliveries;
    private final AtomicReferenceArray<Connection> connections;
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicInteger slowConsumers = new AtomicInteger();

    private EdgeSubscribers(List<String> relayUrls, int count, int messageIds) {
        this.relayUrls = List.copyOf(relayUrls);
        this.connections = new AtomicReferenceArray<>(count);
        this.deliveries = new Delivery[messageIds];
        for (int id = 0; id < messageIds; id++) {
            deliveries[id] = new Delivery(count);
        }
    }

    static String siteSubject(int i) {
        return "bench.raw.site." + i;
    }

    static byte[] payload(int messageId) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(messageId).array();
    }

    /**
     * Connects {@code count} subscribers with at most {@code parallelism} virtual threads connecting at
     * once; each subscribes and flushes, so its relay has the interest when this returns. A failure or
     * the timeout closes what was opened and says how far it got.
     */
    static EdgeSubscribers open(List<String> relayUrls, int count, int messageIds, int parallelism, Duration timeout)
            throws InterruptedException {
        EdgeSubscribers s = new EdgeSubscribers(relayUrls, count, messageIds);
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        for (int w = 0; w < Math.min(parallelism, count); w++) {
            workers.submit(() -> {
                for (int i = next.getAndIncrement(); i < count && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        s.connections.set(i, s.connect(i));
                    } catch (Exception e) {
                        failure.compareAndSet(null, new IllegalStateException("edge " + i + " to " + s.relayUrl(i)
                                + ": " + e, e));
                    }
                }
                return null;
            });
        }
        workers.shutdown();
        boolean done = workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done || failure.get() != null) {
            int opened = s.opened();
            workers.shutdownNow();
            workers.awaitTermination(FLUSH.toMillis(), TimeUnit.MILLISECONDS); // no connection opens after close
            s.close();
            String why = done ? failure.get().getMessage() : "timed out after " + timeout;
            throw new IllegalStateException("connected " + opened + " of " + count + " subscribers, then failed: " + why,
                    failure.get());
        }
        return s;
    }

    private Connection connect(int i) throws IOException, InterruptedException, TimeoutException {
        Options options = NatsClients.options("bench-edge-" + i, relayUrl(i))
                .connectionListener((conn, event) -> {
                    if (event == ConnectionListener.Events.DISCONNECTED) {
                        disconnects.incrementAndGet();
                        LOG.warn("bench-edge-{}: disconnected from {}", i, relayUrl(i));
                    }
                })
                .errorListener(new ErrorListener() {
                    @Override
                    public void slowConsumerDetected(Connection conn, Consumer consumer) {
                        slowConsumers.incrementAndGet();
                    }
                })
                .build();
        Connection conn = NatsClients.connect(options);
        try {
            var dispatcher = conn.createDispatcher(msg -> receive(i, msg));
            dispatcher.subscribe(SHARED_SUBJECT);
            dispatcher.subscribe(siteSubject(i));
            conn.flush(FLUSH);
            return conn;
        } catch (TimeoutException | RuntimeException e) {
            conn.close();
            throw e;
        }
    }

    private void receive(int i, Message msg) {
        long now = System.nanoTime();
        byte[] data = msg.getData();
        int id = data != null && data.length == Integer.BYTES ? ByteBuffer.wrap(data).getInt() : -1;
        if (id >= 0 && id < deliveries.length) {
            deliveries[id].record(i, now);
        }
    }

    String relayUrl(int i) {
        return relayUrls.get(i % relayUrls.size());
    }

    int count() {
        return connections.length();
    }

    Delivery delivery(int messageId) {
        return deliveries[messageId];
    }

    /** Connection losses seen by the subscribers so far. */
    int disconnects() {
        return disconnects.get();
    }

    /** Slow-consumer events the client library reported. */
    int slowConsumers() {
        return slowConsumers.get();
    }

    private int opened() {
        int n = 0;
        for (int i = 0; i < connections.length(); i++) {
            n += connections.get(i) == null ? 0 : 1;
        }
        return n;
    }

    /** Closes every connection, a bounded number at a time on virtual threads. */
    @Override
    public void close() throws InterruptedException {
        AtomicInteger next = new AtomicInteger();
        try (ExecutorService closers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int w = 0; w < 64; w++) {
                closers.submit(() -> {
                    for (int i = next.getAndIncrement(); i < connections.length(); i = next.getAndIncrement()) {
                        Connection c = connections.getAndSet(i, null);
                        if (c != null) {
                            c.close();
                        }
                    }
                    return null;
                });
            }
        }
    }
}
