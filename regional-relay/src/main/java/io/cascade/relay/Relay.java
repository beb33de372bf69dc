package io.cascade.relay;

import io.cascade.proto.ProbeReply;
import io.cascade.relay.fanout.DesiredView;
import io.cascade.relay.fanout.Fanout;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.relay.mirror.DesiredMirror;
import io.cascade.relay.query.QueryService;
import io.cascade.relay.rollup.RollupPublisher;
import io.cascade.relay.status.SiteRegistry;
import io.cascade.relay.status.SiteSweep;
import io.cascade.relay.status.StatusIntake;
import io.cascade.relay.sync.SyncService;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.Buckets;
import io.cascade.topology.client.Lease;
import io.cascade.topology.client.NatsClients;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import io.cascade.topology.probe.ProbeResponder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regional relay process, composition root of the tier: its connection to the region's
 * nats-server, the {@code desired} mirror of the hub's bucket, the view and its fan-out of live
 * deltas and beacons, the sync service; then, going up, the status intake (its KV {@code status}
 * loaded into the site registry), the registry's sweep, the rollup to the hub and the drill-down
 * query; and the probe answer. Every component records into the one {@link RelayMetrics} passed in
 * (its registry belongs to the caller, who closes it after the relay). Closes in reverse order of start; a failed start closes what it had
 * started.
 */
public final class Relay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    static final int MAX_TOMBSTONES = 100_000;

    private final RelayConfig config;
    private final RelayMetrics metrics;
    private final DesiredView view;
    private final Fanout fanout;
    private final SyncService sync;
    private final Up up;
    private final Deque<AutoCloseable> started;
    private boolean closed;

    /** The upward half: status → registry → rollup, and the drill-down. */
    private record Up(SiteRegistry sites, StatusIntake intake, RollupPublisher rollup, QueryService query) {}

    private Relay(RelayConfig config, RelayMetrics metrics, DesiredView view, Fanout fanout, SyncService sync, Up up,
                  Deque<AutoCloseable> started) {
        this.config = config;
        this.metrics = metrics;
        this.view = view;
        this.fanout = fanout;
        this.sync = sync;
        this.up = up;
        this.started = started;
    }

    private static void flush(Connection nats) throws IOException, InterruptedException {
        try {
            nats.flush(java.time.Duration.ofSeconds(5));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IOException("the relay's nats-server did not confirm its subscriptions within 5 s", e);
        }
    }

    /** {@link #start(RelayConfig, RelayMetrics)} with meters nobody scrapes (tests, embedded relays). */
    public static Relay start(RelayConfig config) throws IOException, InterruptedException {
        return start(config, new RelayMetrics(new SimpleMeterRegistry()));
    }

    /** Starts a relay recording into {@code metrics}. */
    public static Relay start(RelayConfig config, RelayMetrics metrics) throws IOException, InterruptedException {
        String name = "cascade-relay-" + config.region();
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            Connection nats = NatsClients.connect(NatsClients.options(name, config.natsUrl(), config.credentials()).build());
            started.push(nats);
            KeyValue desired = DesiredMirror.ensure(nats, config.region(), config.replicas());
            DesiredView view = new DesiredView(config.region(), MAX_TOMBSTONES);
            Fanout fanout = new Fanout(nats, desired, view, metrics);
            started.push(fanout);
            fanout.start();
            SyncService sync = new SyncService(nats, view, fanout, metrics);
            started.push(sync);
            sync.start();
            Up up = startUp(nats, config, view, fanout, metrics, started);
            started.push(ProbeResponder.start(nats, ProbeReply.Tier.RELAY, config.region(), "",
                    name, List.of(Subjects.probeRelay(config.region()))));
            // its subscriptions are at the server before start returns: an edge's first status or sync finds them
            flush(nats);
            LOG.info("relay of region {} running on {}", config.region(), config.natsUrl());
            return new Relay(config, metrics, view, fanout, sync, up, started);
        } catch (JetStreamApiException e) {
            closeAll(started);
            throw new IOException("relay " + config.region() + ": JetStream refused the desired mirror or the status bucket: "
                    + e.getMessage(), e);
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeAll(started);
            throw e;
        }
    }

    private static Up startUp(Connection nats, RelayConfig config, DesiredView view, Fanout fanout, RelayMetrics metrics,
                              Deque<AutoCloseable> started)
            throws IOException, JetStreamApiException, InterruptedException {
        String region = config.region();
        Clock clock = Clock.systemUTC();
        SiteRegistry sites = new SiteRegistry(region, clock);
        metrics.watchSites(sites::ready, sites::online, sites::offline);
        StatusIntake intake = new StatusIntake(nats, sites, metrics, config.replicas(), config.shared());
        started.push(intake);
        intake.start();
        SiteSweep sweep = new SiteSweep(sites, view, fanout::isLoaded);
        started.push(sweep);
        sweep.start();
        Lease lease = config.shared() ? new Lease(leases(nats, region, config.replicas()), Lease.ROLLUP_PUBLISHER,
                "region " + region + "'s rollup publisher", Lease.holderName()) : null;
        RollupPublisher rollup = new RollupPublisher(nats, sites, clock, metrics, lease);
        started.push(rollup);
        rollup.start();
        QueryService query = new QueryService(nats, sites, metrics);
        started.push(query);
        query.start();
        return new Up(sites, intake, rollup, query);
    }

    /** KV {@code leases} in the region's JetStream: entries live {@link Lease#TTL} after their last write. */
    private static KeyValue leases(Connection nats, String region, int replicas)
            throws IOException, JetStreamApiException, InterruptedException {
        Buckets.ensure(nats.keyValueManagement(), KeyValueConfiguration.builder()
                .name(Subjects.KV_LEASES)
                .description("leases among the relay services of region " + region + ": rollup-publisher")
                .maxHistoryPerKey(1)
                .ttl(Lease.TTL)
                .storageType(StorageType.File)
                .replicas(replicas)
                .build());
        return nats.keyValue(Subjects.KV_LEASES);
    }

    public RelayConfig config() {
        return config;
    }

    public RelayMetrics metrics() {
        return metrics;
    }

    public DesiredView view() {
        return view;
    }

    public Fanout fanout() {
        return fanout;
    }

    public SyncService sync() {
        return sync;
    }

    public SiteRegistry sites() {
        return up.sites();
    }

    public StatusIntake statusIntake() {
        return up.intake();
    }

    public RollupPublisher rollup() {
        return up.rollup();
    }

    public QueryService query() {
        return up.query();
    }

    /**
     * Stops answering (queries, then rollups and the sweep), lets the status intake acknowledge the
     * reports it has queued, stops the fan-out, closes the connection. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAll(started);
        LOG.info("relay of region {} stopped", config.region());
    }

    private static void closeAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable c = started.pop();
            try {
                c.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", c, e.toString());
            }
        }
    }
}
