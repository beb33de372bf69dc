package io.cascade.bench.raw;

import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.UserCredentials;
import io.cascade.bench.ParallelConnections;
import io.cascade.topology.client.NatsClients;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * N plain NATS connections standing in for edges, spread round-robin over the relays; subscriber
 * {@code i} subscribes to {@link #SHARED_SUBJECT} and to its own {@link #siteSubject(int)}. A message's
 * 4-byte payload is its id; the callback only records when it arrived ({@link Delivery}).
 */
final class EdgeSubscribers implements AutoCloseable {

    static final String SHARED_SUBJECT = "bench.raw.all";
    static final String SITE_SUBJECTS = "bench.raw.site.<i>";
    private static final Duration FLUSH = Duration.ofSeconds(30);

    private final List<String> relayUrls;
    private final Delivery[] deliveries;
    private final ParallelConnections connections;
    private final Optional<UserCredentials> credentials;

    private EdgeSubscribers(List<String> relayUrls, int messageIds, int count, Optional<UserCredentials> credentials) {
        this.credentials = credentials;
        this.relayUrls = List.copyOf(relayUrls);
        this.connections = new ParallelConnections(count);
        this.deliveries = new Delivery[messageIds];
        for (int id = 0; id < messageIds; id++) {
            deliveries[id] = new Delivery(count);
        }
    }

    /** What a raw subscriber may do on its relay: receive the shared and the per-site subjects, nothing else. */
    static Identity identity() {
        return new Identity.Tool("bench-raw-edge", List.of(), List.of(SHARED_SUBJECT, "bench.raw.site.*"));
    }

    static String siteSubject(int i) {
        return "bench.raw.site." + i;
    }

    static byte[] payload(int messageId) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(messageId).array();
    }

    /**
     * Connects {@code count} subscribers with at most {@code parallelism} connecting at once; each
     * subscribes and flushes, so its relay has the interest when this returns. A failure or the
     * timeout closes what was opened and says how far it got.
     */
    static EdgeSubscribers open(List<String> relayUrls, int count, int messageIds, int parallelism, Duration timeout,
                                Optional<UserCredentials> credentials) throws InterruptedException {
        EdgeSubscribers s = new EdgeSubscribers(relayUrls, messageIds, count, credentials);
        s.connections.open(parallelism, timeout, s::connect, i -> "edge " + i + " to " + s.relayUrl(i));
        return s;
    }

    private Connection connect(int i) throws IOException, InterruptedException, TimeoutException {
        Options options = connections.options("bench-edge-" + i, relayUrl(i), credentials).build();
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
        return connections.count();
    }

    Delivery delivery(int messageId) {
        return deliveries[messageId];
    }

    /** Connection losses seen by the subscribers so far. */
    int disconnects() {
        return connections.disconnects();
    }

    /** Slow-consumer events the client library reported. */
    int slowConsumers() {
        return connections.slowConsumers();
    }

    /** Closes every connection. */
    @Override
    public void close() throws InterruptedException {
        connections.close();
    }
}
