package io.cascade.relay.status;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.ForgetSiteReply;
import io.cascade.proto.ForgetSiteRequest;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.StatusAck;
import io.cascade.relay.metrics.Rejects;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.KvWatch;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.api.KeyValueEntry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes in the sites' status reports on {@code cascade.status.<region>.*} (queue group): each
 * report is checked, persisted to the relay's KV {@code status} when it changes the site's record,
 * applied to the {@link SiteRegistry}, and only then acknowledged with its outbox sequence. A stale
 * report (outbox sequence below the recorded one) is acknowledged but not applied; a heartbeat
 * refreshes liveness and labels and keeps the apps of the last full report. On start the bucket is
 * loaded back into the registry before the first report is taken, so a restart neither loses a
 * site nor counts one twice.
 *
 * <p>The subscription callback only enqueues (bounded; a full queue drops the report and the edge
 * resends it). One named thread handles reports in batches: one write per site and batch (its last
 * record), the batch's writes go out together and are awaited once, then the batch is applied and
 * acknowledged in arrival order.
 *
 * <p>Several relay services of one region ({@code shared}) split the reports between them; a site's
 * consecutive reports may go to different ones. Every write is a compare-and-set on the revision of
 * the record it builds on: one refused because the other service wrote the site in between is
 * admitted again against the record stored now and written again. Each service keeps following the
 * bucket (one watch, with the watchdog of {@link KvWatch}) and takes the others' writes into its
 * registry, and heartbeats are written too, so every service's registry holds every site, once,
 * with its latest record and its liveness.
 */
public final class StatusIntake implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StatusIntake.class);
    static final int QUEUE_BOUND = 20_000;
    static final int BATCH = 512;
    static final Duration LOAD_TIMEOUT = Duration.ofSeconds(30);
    static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(5);

    private final Connection nats;
    private final int replicas;
    private final boolean shared;
    private KvWatch watch;
    private final SiteRegistry sites;
    private final String region;
    private final BlockingQueue<Message> queue = new ArrayBlockingQueue<>(QUEUE_BOUND);
    private final Thread worker;
    private final AtomicLong received = new AtomicLong();
    private final AtomicLong stale = new AtomicLong();
    private final AtomicLong acked = new AtomicLong();
    private final Rejects rejects;
    private final AtomicLong dropped = new AtomicLong();
    private final StatusWriter writer;
    private StatusStore store;
    private Dispatcher dispatcher;
    private volatile boolean closing;
    private boolean closed;

    public StatusIntake(Connection nats, SiteRegistry sites, RelayMetrics metrics) {
        this(nats, sites, metrics, 1, false);
    }

    /**
     * @param replicas copies of the status bucket: 3 on a region of 3 relay servers
     * @param shared   whether other relay services of the region take reports too (queue group): the registry then
     *                 follows the bucket's watch for their writes, and heartbeats are written too so that every
     *                 service sees every site alive
     */
    public StatusIntake(Connection nats, SiteRegistry sites, RelayMetrics metrics, int replicas, boolean shared) {
        this.replicas = replicas;
        this.shared = shared;
        this.nats = nats;
        this.sites = sites;
        this.region = sites.region();
        this.worker = Thread.ofPlatform().name("status-" + region).daemon().unstarted(this::loop);
        this.rejects = metrics.rejects("status", LOG);
        this.writer = new StatusWriter(sites, shared);
        metrics.watchStatus(received::get, stale::get, acked::get, rejects::total, dropped::get, queue::size);
        if (shared) {
            metrics.watchSharing(writer::conflicts, writer::fromPeers);
        }
    }

    /**
     * Opens (or creates) the status bucket, loads it into the registry (one watch of the whole bucket; kept open
     * when the region's relay services share the reports), then starts taking reports.
     */
    public void start() throws IOException, JetStreamApiException, InterruptedException {
        store = StatusStore.open(nats, region, replicas);
        KvWatch load = new KvWatch(nats, store.bucket(), null, () -> { });
        load.start();
        long deadline = System.nanoTime() + LOAD_TIMEOUT.toNanos();
        while (!load.initialLoadSeen()) {
            if (System.nanoTime() - deadline > 0) {
                load.close();
                throw new IOException("region " + region + ": the status bucket did not load within " + LOAD_TIMEOUT);
            }
            Thread.sleep(10);
        }
        List<StatusStore.Stored> records = new ArrayList<>();
        for (KeyValueEntry e : load.drain()) {
            SiteStatus r = writer.admissible(e.getKey(), store.parse(e));
            if (r != null) {
                records.add(new StatusStore.Stored(r, e.getRevision()));
            }
        }
        sites.restoreStored(records);
        LOG.info("region {}: {} site status(es) loaded from the status bucket{}", region, records.size(),
                shared ? "; following the other relay services' writes" : "");
        if (shared) {
            watch = load;
        } else {
            load.close();
        }
        worker.start();
        dispatcher = nats.createDispatcher(this::enqueue);
        dispatcher.subscribe(Subjects.statusAll(region), "cascade-relay-status-" + region);
        dispatcher.subscribe(Subjects.forget(region));
    }

    private void enqueue(Message m) {
        if (!queue.offer(m)) {
            dropped.incrementAndGet();
        }
    }

    private void loop() {
        List<Message> batch = new ArrayList<>(BATCH);
        while (!(closing && queue.isEmpty())) {
            try {
                Message first = queue.poll(100, TimeUnit.MILLISECONDS);
                absorbPeers();
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                handle(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("region {}: a batch of {} status report(s) failed; the edges will resend: {}", region,
                        batch.size(), e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    /** Reports in order; a forget request is taken after the reports queued before it. */
    private void handle(List<Message> batch) throws InterruptedException {
        String forget = Subjects.forget(region);
        int from = 0;
        for (int i = 0; i < batch.size(); i++) {
            if (batch.get(i).getSubject().equals(forget)) {
                handleReports(batch.subList(from, i));
                forget(batch.get(i));
                from = i + 1;
            }
        }
        handleReports(batch.subList(from, batch.size()));
    }

    /** Forgets a removed site: its record in the bucket, then its place in the registry, then replies. */
    private void forget(Message m) {
        ForgetSiteRequest request;
        try {
            request = ForgetSiteRequest.parseFrom(m.getData());
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("region {}: malformed forget request ignored: {}", region, e.getMessage());
            return;
        }
        if (!io.cascade.topology.DnsLabel.isValid(request.getSite())) {
            LOG.warn("region {}: forget request for an invalid site name ignored", region);
            return;
        }
        try {
            store.delete(request.getSite());
        } catch (IOException | JetStreamApiException e) {
            LOG.warn("region {} site {}: status record not removed ({}); not forgotten, ask again", region,
                    request.getSite(), e.toString());
            return;
        }
        boolean known = sites.forget(request.getSite());
        if (m.getReplyTo() != null) {
            nats.publish(m.getReplyTo(), ForgetSiteReply.newBuilder().setKnown(known).setRegion(region).build().toByteArray());
        }
    }

    /**
     * Takes in what the other relay services of the region wrote to the status bucket (and, harmlessly, the echo
     * of this one's own writes, which the registry already holds at that revision).
     */
    private void absorbPeers() {
        if (watch != null) {
            writer.absorbPeers(store, watch.drain());
        }
    }

    private void handleReports(List<Message> batch) throws InterruptedException {
        if (batch.isEmpty()) {
            return;
        }
        List<Message> taken = new ArrayList<>(batch.size());
        List<SiteStatus> reports = new ArrayList<>(batch.size());
        for (Message m : batch) {
            received.incrementAndGet();
            SiteStatus report = parse(m);
            if (report != null) {
                taken.add(m);
                reports.add(report);
            }
        }
        List<StatusWriter.Outcome> outcomes = writer.write(store, reports);
        for (int i = 0; i < reports.size(); i++) {
            SiteStatus report = reports.get(i);
            if (outcomes.get(i) == StatusWriter.Outcome.NOT_STORED) {
                continue;
            }
            if (outcomes.get(i) == StatusWriter.Outcome.STALE) {
                stale.incrementAndGet();
                LOG.debug("region {} site {}: stale report (outbox sequence {}) acknowledged, not applied", region,
                        report.getSite(), report.getOutboxSequence());
            }
            ack(taken.get(i), report.getOutboxSequence());
        }
    }

    /** The report, or null (logged) when it must be ignored. */
    private SiteStatus parse(Message m) {
        String subject = m.getSubject();
        String token = subject.substring(subject.lastIndexOf('.') + 1);
        SiteStatus report;
        try {
            report = SiteStatus.parseFrom(m.getData());
        } catch (InvalidProtocolBufferException e) {
            rejects.reject("malformed", "region " + region + " site " + token + ": malformed status report ignored ("
                    + m.getData().length + " bytes): " + e.getMessage());
            return null;
        }
        Optional<String> problem = Admission.problem(region, token, report);
        if (problem.isPresent()) {
            rejects.reject("inconsistent", "region " + region + ": status report on " + subject + " ignored: "
                    + problem.get());
            return null;
        }
        return report;
    }

    private void ack(Message m, long sequence) {
        if (m.getReplyTo() == null) {
            return;
        }
        try {
            nats.publish(m.getReplyTo(), StatusAck.newBuilder().setAckedSequence(sequence).build().toByteArray());
            acked.incrementAndGet();
        } catch (IllegalStateException connectionClosed) {
            LOG.debug("region {}: ack not sent: {}", region, connectionClosed.getMessage());
        }
    }

    /** Reports taken off the subject (before any check). */
    public long received() {
        return received.get();
    }

    /** Reports acknowledged but not applied because a newer one was recorded. */
    public long stale() {
        return stale.get();
    }

    public long acked() {
        return acked.get();
    }

    /** Reports ignored as malformed or naming another site or region. */
    public long rejected() {
        return rejects.total();
    }

    /** Reports dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Writes refused because another relay service of the region wrote the site first (each done again). */
    public long conflicts() {
        return writer.conflicts();
    }

    /** Records (and removals) taken from the other relay services' writes to the status bucket. */
    public long fromPeers() {
        return writer.fromPeers();
    }

    /** Records written to the status bucket. */
    public long persisted() {
        return writer.persisted();
    }

    public long persistFailures() {
        return writer.persistFailures();
    }

    public int queueDepth() {
        return queue.size();
    }

    /** Stops taking reports, handles those already queued (up to 5 s), then stops. Idempotent. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        if (dispatcher != null && nats.getStatus() != Connection.Status.CLOSED) {
            nats.closeDispatcher(dispatcher);
        }
        closing = true;
        if (worker.isAlive()) {
            worker.join(DRAIN_TIMEOUT.toMillis());
            worker.interrupt();
        }
        if (watch != null) {
            watch.close();
        }
    }
}
