package io.cascade.relay.sync;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.Delta;
import io.cascade.proto.SyncEntry;
import io.cascade.proto.SyncReply;
import io.cascade.proto.SyncRequest;
import io.cascade.relay.fanout.DesiredView;
import io.cascade.relay.fanout.DocFields;
import io.cascade.relay.fanout.Fanout;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.relay.metrics.Rejects;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers edges' catch-up requests on {@code cascade.sync.<region>.<site>} from the relay's view:
 * only the latest doc of each key of the site's chains newer than its marks (tombstones included),
 * with the chains' heads; or a {@code full} reply. Replies are chunked so no message passes
 * {@link #CHUNK_BYTES}; the edge commits after the chunk marked {@code last_chunk}.
 *
 * <p>The subscription callback only enqueues onto a bounded pool; a full queue drops the request
 * (the edge retries with backoff) rather than blocking the dispatcher.
 */
public final class SyncService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SyncService.class);
    /** Chunk size bound: well under nats-server's max_payload (8 MiB as rendered), over one 1 MiB bundle. */
    public static final int CHUNK_BYTES = 2 * 1024 * 1024;
    static final int WORKERS = 2;
    static final int QUEUE_BOUND = 10_000;
    static final Duration LOAD_WAIT = Duration.ofSeconds(5);

    private final Connection nats;
    private final String region;
    private final DesiredView view;
    private final Fanout fanout;
    private final ThreadPoolExecutor workers;
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong entriesSent = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final RelayMetrics metrics;
    private final Rejects rejects;
    private Dispatcher dispatcher;

    public SyncService(Connection nats, DesiredView view, Fanout fanout, RelayMetrics metrics) {
        this.nats = nats;
        this.metrics = metrics;
        this.rejects = metrics.rejects("sync", LOG);
        this.view = view;
        this.fanout = fanout;
        this.region = view.region();
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(QUEUE_BOUND), Thread.ofPlatform().name("sync-" + region + "-", 0).daemon().factory(),
                new ThreadPoolExecutor.AbortPolicy());
        metrics.watchSync(requests::get, dropped::get, () -> workers.getQueue().size());
    }

    public void start() {
        dispatcher = nats.createDispatcher(this::enqueue);
        dispatcher.subscribe(Subjects.syncAll(region), "cascade-relay-sync-" + region);
    }

    private void enqueue(Message m) {
        try {
            workers.execute(() -> answer(m));
        } catch (RejectedExecutionException full) {
            dropped.incrementAndGet();
        }
    }

    private void answer(Message m) {
        if (m.getReplyTo() == null) {
            return;
        }
        SyncRequest req;
        try {
            req = SyncRequest.parseFrom(m.getData());
        } catch (InvalidProtocolBufferException e) {
            rejects.reject("malformed", "region " + region + ": malformed sync request on " + m.getSubject() + " ("
                    + m.getData().length + " bytes): " + e.getMessage());
            return;
        }
        String site = m.getSubject().substring(m.getSubject().lastIndexOf('.') + 1);
        if (!site.equals(req.getSite())) {
            rejects.reject("another site", "region " + region + ": sync request on " + m.getSubject() + " names site "
                    + req.getSite() + "; ignored");
            return;
        }
        try {
            if (!fanout.awaitLoaded(LOAD_WAIT)) {
                LOG.info("region {} site {}: sync request before the view loaded; the edge will retry", region, site);
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        requests.incrementAndGet();
        DesiredView.SyncAnswer a = view.answer(site, req.getAppMark(), req.getSiteMark());
        Sent sent = send(m.getReplyTo(), a);
        entriesSent.addAndGet(a.entries().size());
        metrics.syncReply(a.entries().size(), sent.bytes());
        LOG.debug("region {} site {}: sync from marks app {} site {}: {} entries in {} chunk(s){}", region, site,
                req.getAppMark(), req.getSiteMark(), a.entries().size(), sent.chunks(), a.full() ? " (full)" : "");
    }

    /** What a reply took: its chunks and their bytes. */
    private record Sent(int chunks, long bytes) {}

    private Sent send(String replyTo, DesiredView.SyncAnswer a) {
        SyncReply tail = SyncReply.newBuilder()
                .setAppChainHead(a.appHead())
                .setSiteChainHead(a.siteHead())
                .setFull(a.full())
                .build();
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        int index = 0;
        long bytes = 0;
        for (DesiredView.Entry e : a.entries()) {
            byte[] field = entryField(e);
            if (chunk.size() > 0 && chunk.size() + field.length > CHUNK_BYTES) {
                bytes += publishChunk(replyTo, chunk, tail, index++, false);
            }
            chunk.writeBytes(field);
        }
        bytes += publishChunk(replyTo, chunk, tail, index, true);
        return new Sent(index + 1, bytes);
    }

    /** Publishes one chunk; returns its size. */
    private int publishChunk(String replyTo, ByteArrayOutputStream entries, SyncReply tail, int index, boolean last) {
        byte[] head = tail.toBuilder().setChunkIndex(index).setLastChunk(last).build().toByteArray();
        byte[] payload = new byte[head.length + entries.size()];
        System.arraycopy(head, 0, payload, 0, head.length);
        System.arraycopy(entries.toByteArray(), 0, payload, head.length, entries.size());
        nats.publish(replyTo, payload);
        entries.reset();
        return payload.length;
    }

    /** One {@code SyncReply.entries} field holding the entry, its doc appended without re-encoding. */
    private static byte[] entryField(DesiredView.Entry e) {
        DesiredView.Chain c = e.chain();
        SyncEntry head = SyncEntry.newBuilder()
                .setKey(e.key())
                .setRevision(e.revision())
                .setChain(c.app() ? Delta.Chain.APP : Delta.Chain.SITE)
                .setKind(e.deleted() ? Delta.Kind.DELETE : Delta.Kind.PUT)
                .build();
        byte[] entry = e.deleted() ? head.toByteArray()
                : DocFields.append(head.toByteArray(), c.app() ? SyncEntry.APP_DOC_FIELD_NUMBER : SyncEntry.SITE_DOC_FIELD_NUMBER, e.doc());
        return DocFields.append(new byte[0], SyncReply.ENTRIES_FIELD_NUMBER, entry);
    }

    public long requests() {
        return requests.get();
    }

    public long entriesSent() {
        return entriesSent.get();
    }

    public long dropped() {
        return dropped.get();
    }

    @Override
    public void close() throws InterruptedException {
        if (dispatcher != null && nats.getStatus() != Connection.Status.CLOSED) {
            nats.closeDispatcher(dispatcher);
        }
        workers.shutdown();
        if (!workers.awaitTermination(5, TimeUnit.SECONDS)) {
            workers.shutdownNow();
        }
    }
}
