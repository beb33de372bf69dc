package io.cascade.edge;

import io.cascade.edge.journal.Journal;
import io.cascade.edge.metrics.DeltaLatency;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.Provider;
import io.cascade.edge.reconcile.Reconciler;
import io.cascade.edge.status.StatusReporter;
import io.cascade.edge.sync.DesiredFeed;
import io.cascade.edge.sync.DesiredFeed.SyncReason;
import io.cascade.proto.ProbeReply;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.probe.ProbeResponder;
import io.nats.client.Connection;
import io.nats.client.ConnectionListener;
import io.nats.client.Dispatcher;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge site: its connection to the region's relay, its journal namespace, its provider. One
 * virtual thread per site runs everything that touches the journal, in order: the NATS callbacks
 * only enqueue into a bounded inbox. It syncs on start and on every reconnect, on a gap, when the
 * beacon stays ahead, and on a jittered safety timer; it reconciles after every journal change and
 * periodically, so it keeps enforcing the journal's desired set while the relay is unreachable.
 */
public final class EdgeNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);
    static final int INBOX_BOUND = 1024;

    private sealed interface Event {}
    private record DeltaArrived(byte[] payload, long arrivedNanos) implements Event {}
    private record BeaconArrived(byte[] payload) implements Event {}
    private record SyncDue(SyncReason reason) implements Event {}
    private record ReconcileDue(boolean checkDrift) implements Event {}
    private record ReportDue() implements Event {}
    private record Wake() implements Event {}
    private record Stop() implements Event {}

    private final EdgeConfig config;
    private final EdgeTuning tuning;
    private final Connection nats;
    private final Provider provider;
    private final DesiredFeed feed;
    private final Reconciler reconciler;
    private final StatusReporter reporter;
    private final EdgeMetrics metrics;
    private final DeltaLatency latency;
    private volatile Runnable unwatch = () -> { };
    private final AtomicLong ackedUpTo = new AtomicLong(-1);
    private final AtomicReference<String> reportFailure = new AtomicReference<>();
    private boolean reportInFlight;
    private boolean reportAgain;
    private final RelayRetry reportRetry;
    private final ScheduledExecutorService timers;
    private final BlockingQueue<Event> inbox = new ArrayBlockingQueue<>(INBOX_BOUND);
    private final ConnectionListener reconnects;
    private final Thread agent;
    private volatile boolean overflowed;
    private Dispatcher dispatcher;
    private ProbeResponder probe;
    private final RelayRetry syncRetry;
    private final java.util.concurrent.atomic.AtomicBoolean syncRetryScheduled = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile boolean closed;
    private volatile long lastDeltaArrived;
    /**
     * When the relay is back, a site retries what failed after a random delay up to this: a region's sites all see
     * the same beacon, and spread over a second they do not hit the relay in one burst.
     */
    static final Duration RELAY_BACK_SPREAD = Duration.ofSeconds(1);

    private EdgeNode(EdgeConfig config, EdgeTuning tuning, Connection nats, Journal journal, Provider provider,
                     ScheduledExecutorService timers, EdgeMetrics metrics) {
        this.config = config;
        this.tuning = tuning;
        this.nats = nats;
        this.provider = provider;
        this.timers = timers;
        this.syncRetry = new RelayRetry(tuning.retryMin(), tuning.retryMax());
        this.metrics = metrics;
        this.latency = metrics.newDeltaLatency();
        this.feed = new DesiredFeed(config.site(), config.region(), journal, nats, tuning.beaconGrace(), tuning.syncTimeout(),
                metrics, latency);
        this.reconciler = new Reconciler(config.site(), config.region(), config.labels(), journal, provider, Clock.systemUTC(),
                metrics, config.maintenance());
        this.reporter = new StatusReporter(config.site(), config.region(), config.labels(), journal, nats, tuning.heartbeat(),
                metrics, config.maintenance());
        this.reportRetry = new RelayRetry(tuning.retryMin(), tuning.retryMax());
        this.reconnects = (conn, event) -> {
            if (event == ConnectionListener.Events.RECONNECTED) {
                offer(new SyncDue(SyncReason.RECONNECT));
            } else if (event == ConnectionListener.Events.DISCONNECTED) {
                metrics.relayDisconnected();
            }
        };
        this.agent = Thread.ofVirtual().name("edge-" + config.site()).unstarted(this::run);
    }

    /**
     * Starts the site: connects (retrying in the background while the relay is unreachable),
     * subscribes, and starts its thread, which first recovers interrupted applies and enforces the
     * journal's desired set, then syncs. It records into {@code metrics}, the process's edge meters.
     */
    public static EdgeNode start(EdgeConfig config, EdgeTuning tuning, Journal journal, Provider provider,
                                 ScheduledExecutorService timers, EdgeMetrics metrics) throws IOException, InterruptedException {
        journal.saveIdentity(config.region(), config.labels());
        Connection nats = NatsClients.connect(NatsClients.options("cascade-edge-" + config.site(), config.relayUrl(), config.credentials()).build());
        EdgeNode node = new EdgeNode(config, tuning, nats, journal, provider, timers, metrics);
        try {
            node.subscribe();
        } catch (RuntimeException e) {
            nats.close();
            throw e;
        }
        node.unwatch = metrics.watchSite(node.inbox::size, node.reporter::awaitingAck);
        node.agent.start();
        return node;
    }

    private void subscribe() {
        nats.addConnectionListener(reconnects);
        dispatcher = nats.createDispatcher(m -> {
            if (m.getSubject().equals(Subjects.beacon(config.region()))) {
                offer(new BeaconArrived(m.getData()));
            } else {
                long now = System.nanoTime();
                lastDeltaArrived = now;
                offer(new DeltaArrived(m.getData(), now));
            }
        });
        dispatcher.subscribe(Subjects.appDeltas(config.region()));
        dispatcher.subscribe(Subjects.siteDeltas(config.region(), config.site()));
        dispatcher.subscribe(Subjects.beacon(config.region()));
        probe = ProbeResponder.start(nats, ProbeReply.Tier.EDGE, config.region(), config.site(), "edge " + config.site(),
                List.of(Subjects.probeSite(config.region(), config.site()), Subjects.probeSites(config.region())));
        scheduleJittered(new SyncDue(SyncReason.SAFETY), tuning.safetySync(), true);
        scheduleJittered(new ReconcileDue(true), tuning.reconcilePeriod(), true);
        scheduleJittered(new ReportDue(), tuning.heartbeat(), true);
    }

    /** Callbacks only enqueue; when the inbox is full the event is dropped and a sync is owed. */
    private void offer(Event e) {
        if (!inbox.offer(e)) {
            overflowed = true;
            metrics.inboxDropped();
        }
    }

    private void run() {
        reconciler.recover();
        reconcile(true);
        report();
        sync(SyncReason.START);
        while (!closed) {
            Event e;
            try {
                e = inbox.take();
            } catch (InterruptedException ie) {
                return;
            }
            boolean changed = false;
            boolean checkDrift = false;
            boolean syncNeeded = false;
            SyncReason reason = null;
            // drain what is queued, then reconcile once
            do {
                switch (e) {
                    case Stop s -> {
                        return;
                    }
                    case DeltaArrived d -> {
                        DesiredFeed.Result r = feed.onDelta(d.payload(), d.arrivedNanos());
                        changed |= r == DesiredFeed.Result.CHANGED;
                        if (r == DesiredFeed.Result.NEEDS_SYNC) {
                            syncNeeded = true;
                            reason = SyncReason.GAP;
                        }
                    }
                    case BeaconArrived b -> {
                        if (feed.onBeacon(b.payload(), Instant.now()) == DesiredFeed.Result.NEEDS_SYNC) {
                            syncNeeded = true;
                            reason = SyncReason.BEACON;
                        }
                        relayBack("its beacon");
                    }
                    case SyncDue s -> {
                        syncNeeded = true;
                        reason = s.reason();
                        if (s.reason() == SyncReason.RECONNECT) {
                            relayBack("reconnected");
                        }
                    }
                    case ReconcileDue r -> {
                        changed = true;
                        checkDrift |= r.checkDrift();
                    }
                    case ReportDue r -> report();
                    case Wake w -> { }
                }
                e = inbox.poll();
            } while (e != null);
            reportResults();
            if (overflowed) {
                overflowed = false;
                syncNeeded = true;
                reason = SyncReason.OVERFLOW;
            }
            if (syncNeeded) {
                sync(reason);
            } else if (changed) {
                reconcile(checkDrift);
            }
        }
    }

    private void sync(SyncReason reason) {
        boolean ok;
        try {
            ok = feed.sync(reason);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (ok) {
            syncRetry.succeeded();
        } else {
            syncRetry.failed();
        }
        if (!ok && !closed && syncRetryScheduled.compareAndSet(false, true)) {
            scheduleJittered(new SyncDue(SyncReason.RETRY), syncRetry.nextWait(), false);
        }
        reconcile(false);
    }

    private void reconcile(boolean checkDrift) {
        Reconciler.Outcome o = reconciler.reconcile(checkDrift);
        latency.settled(o.applied(), o.failed());
        if (o.changedAnything()) {
            report();
        }
        if (!o.failed().isEmpty()) {
            reconciler.nextRetry().ifPresent(at -> scheduleJittered(new ReconcileDue(false),
                    Duration.between(Instant.now(), at).plusMillis(10), false));
        }
    }

    /** Sends the latest status (or a heartbeat) unless a report is on its way; then once more after it. */
    private void report() {
        if (reportInFlight) {
            reportAgain = true;
            return;
        }
        reportInFlight = true;
        reporter.send().whenComplete((seq, error) -> {
            if (error == null) {
                ackedUpTo.accumulateAndGet(seq, Math::max);
            } else {
                reportFailure.set(error.getMessage());
            }
            offer(new Wake());
        });
    }

    /** Applies the outcome of the report on its way (set by its future), on this site's thread. */
    private void reportResults() {
        long acked = ackedUpTo.getAndSet(-1);
        String failure = reportFailure.getAndSet(null);
        if (acked >= 0) {
            reportInFlight = false;
            reporter.acked(acked);
            reportRetry.succeeded();
            if (reportAgain || reporter.pending()) {
                reportAgain = false;
                report();
            }
        } else if (failure != null) {
            reportInFlight = false;
            reportAgain = false;
            reportRetry.failed();
            Duration wait = reportRetry.nextWait();
            LOG.debug("edge {}: status report not acknowledged ({}); again in ~{}", config.site(), failure, wait);
            scheduleJittered(new ReportDue(), wait, false);
        }
    }

    /**
     * The relay answers again (its beacon arrived, or the connection is back): what failed while it did not (a sync,
     * a status report) is retried now, spread over {@link #RELAY_BACK_SPREAD}, rather than when its backoff, grown
     * while the relay was away (up to {@code retryMax}), runs out; the backoffs start over.
     */
    private void relayBack(String signal) {
        boolean sync = syncRetry.relayBack();
        boolean report = reportRetry.relayBack();
        if (!sync && !report) {
            return;
        }
        LOG.debug("edge {}: the relay is back ({}); retrying{}{} now", config.site(), signal, sync ? " the sync" : "",
                report ? " the status report" : "");
        long delay = ThreadLocalRandom.current().nextLong(RELAY_BACK_SPREAD.toMillis() + 1);
        if (sync) {
            timers.schedule(() -> offer(new SyncDue(SyncReason.RELAY_BACK)), delay, TimeUnit.MILLISECONDS);
        }
        if (report) {
            timers.schedule(() -> offer(new ReportDue()), delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Syncs with the relay that failed, since this site started. */
    public int syncFailures() {
        return syncRetry.failures();
    }

    /** Status reports the relay did not acknowledge, since this site started. */
    public int reportFailures() {
        return reportRetry.failures();
    }

    public StatusReporter reporter() {
        return reporter;
    }

    /** Schedules {@code event} after {@code period} ±20 % (repeating when asked), never in lock-step with other sites. */
    private void scheduleJittered(Event event, Duration period, boolean repeat) {
        if (closed) {
            return;
        }
        long base = Math.max(1, period.toMillis());
        long delay = Math.max(1, (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
        timers.schedule(() -> {
            if (event instanceof SyncDue s && s.reason() == SyncReason.RETRY) {
                syncRetryScheduled.set(false);
            }
            offer(event);
            if (repeat) {
                scheduleJittered(event, period, true);
            }
        }, delay, TimeUnit.MILLISECONDS);
    }

    public EdgeConfig config() {
        return config;
    }

    /**
     * {@code System.nanoTime()} when the last live delta reached this site's connection (before its
     * thread took it up), 0 before the first: lets a benchmark tell delivery from the site's own work.
     */
    public long lastDeltaArrivedNanos() {
        return lastDeltaArrived;
    }

    public DesiredFeed.Stats stats() {
        return feed.stats();
    }

    public Connection connection() {
        return nats;
    }

    public Provider provider() {
        return provider;
    }

    /** Stops the site's thread, closes its connection and provider. Idempotent. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        unwatch.run();
        inbox.clear();
        inbox.offer(new Stop());
        agent.join(Duration.ofSeconds(10));
        nats.removeConnectionListener(reconnects);
        if (probe != null) {
            probe.close();
        }
        nats.close();
        provider.close();
        LOG.info("edge {} stopped", config.site());
    }
}
