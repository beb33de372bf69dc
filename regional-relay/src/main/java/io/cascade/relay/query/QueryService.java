package io.cascade.relay.query;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.relay.metrics.Rejects;
import io.cascade.relay.status.SiteRegistry;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the drill-down {@code cascade.query.<region>}: a ListSitesRequest in, one page of the
 * relay's per-site state out (see {@link SitePages} for the filters and paging). The callback only
 * enqueues onto a bounded queue served by one named thread; a full queue drops the request (the
 * asker times out and may retry) rather than blocking the dispatcher.
 */
public final class QueryService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(QueryService.class);
    static final int QUEUE_BOUND = 1_000;

    private final Connection nats;
    private final SiteRegistry sites;
    private final String region;
    private final ThreadPoolExecutor worker;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Rejects rejects;
    private Dispatcher dispatcher;
    private boolean closed;

    public QueryService(Connection nats, SiteRegistry sites, RelayMetrics metrics) {
        this.nats = nats;
        this.sites = sites;
        this.region = sites.region();
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUE_BOUND),
                Thread.ofPlatform().name("query-" + region).daemon().factory(), new ThreadPoolExecutor.AbortPolicy());
        this.rejects = metrics.rejects("query", LOG);
        metrics.watchQueries(answered::get, dropped::get, this::queueDepth);
    }

    public synchronized void start() {
        if (dispatcher != null || closed) {
            return;
        }
        dispatcher = nats.createDispatcher(this::enqueue);
        // A plain subscription, not a queue group: nats-server 2.9.10 does not carry a queue
        // subscription on a literal subject across a leaf link whose user has permissions (the
        // hub then answers "no responders"; measured, see docs/architecture.md). A second relay
        // service would answer the same query too (their registries follow one status bucket); the hub
        // takes the first reply.
        dispatcher.subscribe(Subjects.query(region));
    }

    private void enqueue(Message m) {
        try {
            worker.execute(() -> answer(m));
        } catch (RejectedExecutionException full) {
            dropped.incrementAndGet();
        }
    }

    private void answer(Message m) {
        if (m.getReplyTo() == null) {
            return;
        }
        ListSitesRequest req;
        try {
            req = ListSitesRequest.parseFrom(m.getData());
        } catch (InvalidProtocolBufferException e) {
            rejects.reject("malformed", "region " + region + ": malformed ListSites request ignored (" + m.getData().length
                    + " bytes): " + e.getMessage());
            return;
        }
        ListSitesResponse page = SitePages.answer(sites, req);
        try {
            nats.publish(m.getReplyTo(), page.toByteArray());
            answered.incrementAndGet();
        } catch (IllegalStateException connectionClosed) {
            LOG.debug("region {}: ListSites answer not sent: {}", region, connectionClosed.getMessage());
        }
    }

    public long answered() {
        return answered.get();
    }

    /** Requests dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    public int queueDepth() {
        return worker.getQueue().size();
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        if (dispatcher != null && nats.getStatus() != Connection.Status.CLOSED) {
            nats.closeDispatcher(dispatcher);
        }
        worker.shutdown();
        if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
            worker.shutdownNow();
        }
    }
}
