package io.cascade.bench;

import io.cascade.topology.trust.UserCredentials;
import io.cascade.topology.client.NatsClients;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.Options;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.IntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Many plain NATS connections standing in for edges, opened a bounded number at a time on virtual
 * threads and closed the same way. Each is opened by the caller's {@link Opener}, which connects with
 * {@link #options} ({@link NatsClients#options}: all of them share this JVM's timer and callback
 * threads, plus listeners counting disconnects and slow consumers); each is ready when {@link #open}
 * returns: whatever the opener subscribed or flushed is in place.
 */
public final class ParallelConnections implements AutoCloseable {

    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);

    /** Opens connection {@code i}, subscribed and flushed as the caller needs it. */
    @FunctionalInterface
    public interface Opener {
        Connection open(int i) throws Exception;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ParallelConnections.class);

    private final AtomicReferenceArray<Connection> connections;
    private final AtomicInteger disconnects = new AtomicInteger();
    private final AtomicInteger slowConsumers = new AtomicInteger();

    /** Room for {@code count} connections; none is open yet. */
    public ParallelConnections(int count) {
        this.connections = new AtomicReferenceArray<>(count);
    }

    /** {@link NatsClients#options} for one of these connections, with the counting listeners. */
    public Options.Builder options(String name, String url, java.util.Optional<UserCredentials> credentials) {
        return NatsClients.options(name, url, credentials)
                .connectionListener((conn, event) -> {
                    if (event == ConnectionListener.Events.DISCONNECTED) {
                        disconnects.incrementAndGet();
                        LOG.warn("{}: disconnected from {}", name, url);
                    }
                })
                .errorListener(new ErrorListener() {
                    @Override
                    public void slowConsumerDetected(Connection conn, Consumer consumer) {
                        slowConsumers.incrementAndGet();
                    }
                });
    }

    /**
     * Opens every connection with at most {@code parallelism} opening at once. A failure or the
     * timeout closes what was opened and throws, saying how far it got; {@code describe} names
     * connection {@code i} in that message (e.g. "edge 17 to nats://...").
     */
    public void open(int parallelism, Duration timeout, Opener opener, IntFunction<String> describe)
            throws InterruptedException {
        int count = connections.length();
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Exception> failure = new AtomicReference<>();
        ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
        for (int w = 0; w < Math.min(parallelism, count); w++) {
            workers.submit(() -> {
                for (int i = next.getAndIncrement(); i < count && failure.get() == null; i = next.getAndIncrement()) {
                    try {
                        connections.set(i, opener.open(i));
                    } catch (Exception e) {
                        failure.compareAndSet(null, new IllegalStateException(describe.apply(i) + ": " + e, e));
                    }
                }
                return null;
            });
        }
        workers.shutdown();
        boolean done = workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!done || failure.get() != null) {
            int opened = opened();
            workers.shutdownNow();
            workers.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS); // no connection opens after close
            close();
            String why = done ? failure.get().getMessage() : "timed out after " + timeout;
            throw new IllegalStateException("connected " + opened + " of " + count + ", then failed: " + why,
                    failure.get());
        }
    }

    /** Connection {@code i}; null once closed. */
    public Connection get(int i) {
        return connections.get(i);
    }

    public int count() {
        return connections.length();
    }

    /** Connection losses seen so far. */
    public int disconnects() {
        return disconnects.get();
    }

    /** Slow-consumer events the client library reported so far. */
    public int slowConsumers() {
        return slowConsumers.get();
    }

    private int opened() {
        int n = 0;
        for (int i = 0; i < connections.length(); i++) {
            n += connections.get(i) == null ? 0 : 1;
        }
        return n;
    }

    /**
     * Closes every connection at once, each on its own virtual thread: jnats waits for a TLS
     * connection's reader when it closes (~0.7 s), so 64 at a time took ~2 minutes for 10k TLS
     * connections. Idempotent.
     */
    @Override
    public void close() throws InterruptedException {
        try (ExecutorService closers = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections.length(); i++) {
                Connection conn = connections.getAndSet(i, null);
                if (conn != null) {
                    closers.submit(() -> {
                        conn.close();
                        return null;
                    });
                }
            }
        }
    }
}
