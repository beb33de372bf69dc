package io.cascade.edge.status;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.cascade.edge.journal.Journal;
import io.cascade.edge.journal.OutboxEntry;
import io.cascade.edge.reconcile.MaintenanceWindow;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.StatusAck;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a site's status up to its relay. Status is state, not events: only the latest outbox entry
 * goes (after an outage too), as a request on {@code cascade.status.<region>.<site>}; the relay's
 * acknowledgement clears the outbox up to the acknowledged sequence. With nothing in the outbox, a
 * small heartbeat goes instead, so the relay can tell an idle site from a silent one.
 *
 * <p>Sending does not block: the answer completes a future the caller turns into an event on the
 * site's own thread, which then calls {@link #acked}.
 */
public final class StatusReporter {

    private static final Logger LOG = LoggerFactory.getLogger(StatusReporter.class);
    static final Duration ACK_TIMEOUT = Duration.ofSeconds(3);

    private final String site;
    private final String region;
    private final Map<String, String> labels;
    private final Journal journal;
    private final Connection nats;
    private final Duration heartbeat;
    private final AtomicLong reports = new AtomicLong();
    private final AtomicLong heartbeats = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final EdgeMetrics metrics;
    private final Optional<MaintenanceWindow> maintenance;
    private long lastAcked;
    private volatile boolean awaitingAck;

    /** @param metrics the process's edge meters (reports and heartbeats sent, acknowledged, not acknowledged) */
    /** {@link System#nanoTime()} when the relay first acknowledged a report of this site; 0 until then. */
    public long firstAckedNanos() {
        return firstAckedNanos;
    }

    private volatile long firstAckedNanos;

    public StatusReporter(String site, String region, Map<String, String> labels, Journal journal, Connection nats,
                          Duration heartbeat, EdgeMetrics metrics) {
        this(site, region, labels, journal, nats, heartbeat, metrics, Optional.empty());
    }

    /**
     * @param maintenance the site's maintenance window: every report carries its current or next
     *                    occurrence, so the relay does not count the site offline while it is open
     */
    public StatusReporter(String site, String region, Map<String, String> labels, Journal journal, Connection nats,
                          Duration heartbeat, EdgeMetrics metrics, Optional<MaintenanceWindow> maintenance) {
        this.maintenance = maintenance;
        this.site = site;
        this.region = region;
        this.labels = Map.copyOf(labels);
        this.journal = journal;
        this.nats = nats;
        this.heartbeat = heartbeat;
        this.metrics = metrics;
    }

    /**
     * Sends the latest outbox report, or a heartbeat when the outbox is empty. The future completes
     * with the sequence the relay acknowledged, or exceptionally when it did not answer in time.
     */
    public CompletableFuture<Long> send() {
        Optional<OutboxEntry> latest = journal.latestOutbox();
        SiteStatus report = latest.map(this::full).orElseGet(this::heartbeat);
        (latest.isPresent() ? reports : heartbeats).incrementAndGet();
        awaitingAck = latest.isPresent();
        metrics.statusSent(latest.isEmpty());
        try {
            return nats.requestWithTimeout(Subjects.status(region, site), report.toByteArray(), ACK_TIMEOUT)
                    .thenApply(reply -> {
                        if (reply.isStatusMessage()) {
                            throw new IllegalStateException("relay of " + region + " did not answer: " + reply.getStatus().getMessage());
                        }
                        try {
                            return StatusAck.parseFrom(reply.getData()).getAckedSequence();
                        } catch (InvalidProtocolBufferException e) {
                            throw new IllegalStateException("malformed status ack: " + e.getMessage(), e);
                        }
                    })
                    .whenComplete((seq, error) -> {
                        if (error != null) {
                            metrics.statusUnacked();
                        }
                    });
        } catch (IllegalStateException notConnected) {
            metrics.statusUnacked();
            return CompletableFuture.failedFuture(notConnected);
        }
    }

    /** The relay recorded everything up to {@code sequence}: clear the outbox that far. */
    public void acked(long sequence) {
        if (acks.getAndIncrement() == 0) {
            firstAckedNanos = System.nanoTime();
        }
        metrics.statusAcked();
        if (sequence > lastAcked) {
            lastAcked = sequence;
        }
        if (sequence > 0) {
            journal.ackOutbox(sequence);
        }
        awaitingAck = journal.latestOutbox().isPresent();
    }

    /**
     * Whether the latest report waits for an acknowledgement, as of the last send or
     * acknowledgement; unlike {@link #pending()} it does not read the journal, so any thread
     * (a metrics scrape) may ask.
     */
    public boolean awaitingAck() {
        return awaitingAck;
    }

    /** True when a report is still waiting for an acknowledgement. */
    public boolean pending() {
        return journal.latestOutbox().isPresent();
    }

    public long reports() {
        return reports.get();
    }

    public long heartbeats() {
        return heartbeats.get();
    }

    public long acks() {
        return acks.get();
    }

    private SiteStatus full(OutboxEntry entry) {
        SiteStatus.Builder b;
        try {
            b = SiteStatus.parseFrom(entry.report()).toBuilder();
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("site {}: outbox entry {} is unreadable ({}); sending a heartbeat in its place", site, entry.seq(), e.getMessage());
            return heartbeat().toBuilder().setOutboxSequence(entry.seq()).build();
        }
        return withWindow(b.setOutboxSequence(entry.seq()).setHeartbeatInterval(interval())).build();
    }

    private SiteStatus heartbeat() {
        Instant now = Instant.now();
        return withWindow(SiteStatus.newBuilder()
                .setSite(site)
                .setRegion(region)
                .putAllLabels(labels)
                .setHeartbeatOnly(true)
                .setOutboxSequence(lastAcked)
                .setHeartbeatInterval(interval())
                .setReportedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())))
                .build();
    }

    private SiteStatus.Builder withWindow(SiteStatus.Builder b) {
        maintenance.ifPresent(w -> {
            Instant[] at = w.occurrence(Instant.now());
            b.setMaintenance(io.cascade.proto.MaintenanceWindow.newBuilder()
                    .setStart(Timestamp.newBuilder().setSeconds(at[0].getEpochSecond()))
                    .setEnd(Timestamp.newBuilder().setSeconds(at[1].getEpochSecond())));
        });
        return b;
    }

    private com.google.protobuf.Duration interval() {
        return com.google.protobuf.Duration.newBuilder().setSeconds(heartbeat.toSeconds()).setNanos(heartbeat.toNanosPart()).build();
    }
}
