package io.cascade.hub;

import io.cascade.hub.api.FleetApi;
import io.cascade.hub.desired.DesiredDocs;
import io.cascade.hub.intent.Intents;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.topology.client.Lease;
import io.cascade.hub.rollout.RolloutController;
import io.cascade.hub.rollup.Rollups;
import io.cascade.hub.rollup.SiteQuery;
import io.cascade.hub.api.CallerAuth;
import io.cascade.hub.api.CredentialRevocations;
import io.cascade.hub.sites.SiteRemover;
import io.cascade.topology.trust.OperatorTokens;
import io.cascade.hub.registration.BootstrapTokens;
import io.cascade.hub.registration.Registrar;
import io.cascade.hub.sites.SiteSet;
import io.cascade.proto.ProbeReply;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.Buckets;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.probe.ProbeResponder;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerCredentials;
import io.grpc.TlsServerCredentials;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core hub process: its NATS connection, the KV buckets {@code intents}, {@code desired} and
 * {@code rollup} in its JetStream, the global rollup, the gRPC server (FleetService, standard health
 * service and server reflection) and the hub's probe answer. Every component records into the one
 * {@link HubMetrics} passed in (its registry belongs to the caller, who closes it after the hub). Composition root of the tier: everything is
 * built here and closed in reverse order.
 */
public final class Hub implements AutoCloseable {

    /** How long a new replicated bucket may take to elect its stream leader. */
    private static final java.time.Duration STREAM_LEADER_WAIT = java.time.Duration.ofSeconds(20);
    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    /** Revisions of an app's intent kept in KV {@code intents}: the audit trail and the rollback source. */
    static final int INTENT_HISTORY = 64;
    /** A desired doc carries up to two bundles of up to 1 MiB each (stable and candidate), plus its target. */
    static final long DESIRED_DOC_PAYLOAD = 4L * 1024 * 1024;
    /** How long a start waits for the global rollup to take in what KV {@code rollup} and {@code desired} hold. */
    private static final Duration ROLLUP_LOAD = Duration.ofSeconds(10);
    /**
     * How long a KV read or write of the hub waits for JetStream: a stored doc answers in milliseconds, so 2 s only
     * bounds how long a rollout step or a publish hangs while an HA hub elects a stream leader before it retries or
     * says UNAVAILABLE (the connection's 5 s timeout held the rollout driver 10 s in two timeouts after a node died).
     */
    static final Duration KV_REQUEST_TIMEOUT = Duration.ofSeconds(2);
    private static final io.nats.client.KeyValueOptions KV_OPTIONS = io.nats.client.KeyValueOptions.builder()
            .jetStreamOptions(io.nats.client.JetStreamOptions.builder().requestTimeout(KV_REQUEST_TIMEOUT).build()).build();

    private final HubConfig config;
    private final Connection nats;
    private final Rollups rollups;
    private final SiteSet siteSet;
    private final RolloutController controller;
    private final ProbeResponder probe;
    private final HealthStatusManager health;
    private final FleetApi api;
    private final Server grpc;
    private final ExecutorService calls;
    private final ScheduledExecutorService streams;
    /** Copies of the buckets on an HA hub, as a metric and a log line; null with one copy per bucket. */
    private final io.cascade.hub.ha.BucketReplicas replicas;
    /** The dashboard, when configured; else null. */
    private io.cascade.hub.dashboard.DashboardService dashboard;
    private boolean closed;

    private Hub(HubConfig config, Connection nats, Rollups rollups, SiteSet siteSet, RolloutController controller, ProbeResponder probe,
                HealthStatusManager health, FleetApi api, Server grpc, ExecutorService calls, ScheduledExecutorService streams,
                io.cascade.hub.ha.BucketReplicas replicas) {
        this.replicas = replicas;
        this.config = config;
        this.siteSet = siteSet;
        this.nats = nats;
        this.rollups = rollups;
        this.controller = controller;
        this.probe = probe;
        this.health = health;
        this.api = api;
        this.grpc = grpc;
        this.calls = calls;
        this.streams = streams;
    }

    /** {@link #start(HubConfig, HubMetrics)} with meters nobody scrapes (tests, embedded hubs). */
    public static Hub start(HubConfig config) throws IOException, InterruptedException {
        return start(config, new HubMetrics(new SimpleMeterRegistry()));
    }

    /** Starts a hub recording into {@code metrics}. */
    public static Hub start(HubConfig config, HubMetrics metrics) throws IOException, InterruptedException {
        Connection nats = NatsClients.connect(NatsClients.options("cascade-hub", config.natsUrl(), config.credentials()).build());
        Rollups rollups = null;
        RolloutController controller = null;
        ProbeResponder probe = null;
        // FleetService calls block on JetStream or on relays: each runs on its own virtual thread
        ExecutorService calls = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hub-grpc-", 0).factory());
        // WatchRollup streams send from here; a send never blocks
        ScheduledExecutorService streams = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("hub-rollup-streams").daemon().factory());
        try {
            if (nats.getMaxPayload() < DESIRED_DOC_PAYLOAD) {
                LOG.warn("the hub's nats-server takes messages of at most {} bytes (max_payload), but a desired doc with "
                        + "two bundles of 1 MiB needs about 2 MiB: set max_payload to 8 MiB, as the rendered configs do",
                        nats.getMaxPayload());
            }
            KeyValue intentsBucket = bucket(nats, config.replicas(), Subjects.KV_INTENTS, INTENT_HISTORY,
                    "Cascade intents by app, with history: the audit trail and the rollback source");
            KeyValue desiredBucket = bucket(nats, config.replicas(), Subjects.KV_DESIRED, 1,
                    "Cascade desired docs: <region>.app.<app> and <region>.site.<site>.<app>, mirrored by the relays");
            KeyValue rollupBucket = bucket(nats, config.replicas(), Subjects.KV_ROLLUP, 1,
                    "Cascade region rollups: key <region>, written by that region's relay");
            KeyValue sitesBucket = bucket(nats, config.replicas(), Subjects.KV_SITES, 1,
                    "Cascade's live site set: key <site> (region, labels, identity), removed.<site> (removed by an operator)");
            SiteSet siteSet;
            try {
                siteSet = SiteSet.open(sitesBucket, config.fleet(), Clock.systemUTC());
            } catch (JetStreamApiException e) {
                throw new IllegalStateException("cannot read KV " + Subjects.KV_SITES + " in the hub's JetStream: " + e.getMessage(), e);
            }
            KeyValue credentialsBucket = bucket(nats, config.replicas(), Subjects.KV_CREDENTIALS, 1,
                    "Cascade operator credentials: revoked.<id> for each revoked API token");
            CredentialRevocations revocations;
            try {
                revocations = CredentialRevocations.open(credentialsBucket, Clock.systemUTC());
            } catch (JetStreamApiException e) {
                throw new IllegalStateException("cannot read KV " + Subjects.KV_CREDENTIALS + ": " + e.getMessage(), e);
            }
            BootstrapTokens tokens = new BootstrapTokens(bucket(nats, config.replicas(), Subjects.KV_TOKENS, 1,
                    "Cascade bootstrap tokens: key <id>; region, labels, uses, expiry, the secret's SHA-256 only"),
                    config.fleet(), Clock.systemUTC());
            DesiredDocs desired = new DesiredDocs(desiredBucket, nats.jetStreamManagement(), config.fleet());
            Intents intents = new Intents(intentsBucket, nats.jetStream(), config.fleet(), siteSet, nats.getMaxPayload(), desired);
            try {
                rollups = Rollups.start(nats, rollupBucket, desiredBucket, Clock.systemUTC(), metrics);
            } catch (JetStreamApiException e) {
                throw new IllegalStateException("cannot watch KV " + Subjects.KV_ROLLUP + " and " + Subjects.KV_DESIRED
                        + " in the hub's JetStream: " + e.getMessage(), e);
            }
            if (!rollups.awaitLoaded(ROLLUP_LOAD)) {
                LOG.warn("the global rollup has not taken in KV rollup and desired within {} s; serving it as it fills",
                        ROLLUP_LOAD.toSeconds());
            }
            SiteQuery sites = new SiteQuery(nats, config.fleet(), SiteQuery.DEFAULT_RELAY_TIMEOUT, metrics);
            Rollups merged = rollups;
            Lease lease = new Lease(leases(nats, config.replicas()), Lease.ROLLOUT_DRIVER, "rollout driver", Lease.holderName());
            controller = new RolloutController(intents, desired, () -> merged.view(Optional.empty()), Clock.systemUTC(),
                    metrics, lease);
            controller.start();
            probe = ProbeResponder.start(nats, ProbeReply.Tier.HUB, "", "", "hub " + config.fleet().name(),
                    List.of(Subjects.probeHub()));
            HealthStatusManager health = new HealthStatusManager();
            FleetApi api = new FleetApi(intents, rollups, sites, new SiteRemover(nats, siteSet, SiteRemover.RELAY_TIMEOUT),
                    revocations, tokens, new Registrar(tokens, siteSet, config.signer(), config.fleet(),
                            java.nio.file.Files.readString(config.clientCa()), metrics.registry()), controller, streams, metrics);
            OperatorTokens.Verifier verifier = new OperatorTokens.Verifier(config.apiKey());
            CallerAuth auth = new CallerAuth(verifier, revocations::isRevoked, Clock.systemUTC());
            ServerCredentials tls;
            try {
                // client certificates are optional: a caller presents one from the fleet CA or a bearer token
                tls = TlsServerCredentials.newBuilder()
                        .keyManager(config.tls().certFile().toFile(), config.tls().keyFile().toFile())
                        .trustManager(config.clientCa().toFile())
                        .clientAuth(TlsServerCredentials.ClientAuth.OPTIONAL)
                        .build();
            } catch (IOException e) {
                throw new IllegalArgumentException("the hub's TLS certificate " + config.tls().certFile() + " or key "
                        + config.tls().keyFile() + " cannot be used: " + e.getMessage(), e);
            }
            Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()), tls)
                    .executor(calls)
                    .addService(ServerInterceptors.intercept(api, auth))
                    .addService(health.getHealthService()) // open: load balancers and probes carry no credential
                    .addService(ServerInterceptors.intercept(ProtoReflectionServiceV1.newInstance(), auth))
                    .build();
            try {
                grpc.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen for gRPC on " + config.grpcHost() + ":" + config.grpcPort(), e);
            }
            health.setStatus("", ServingStatus.SERVING);
            LOG.info("hub of fleet {} serving gRPC on {}:{}, NATS {}", config.fleet().name(), config.grpcHost(),
                    grpc.getPort(), config.natsUrl());
            io.cascade.hub.ha.BucketReplicas replicas = config.replicas() > 1 ? io.cascade.hub.ha.BucketReplicas.start(nats,
                    List.of(Subjects.KV_INTENTS, Subjects.KV_DESIRED, Subjects.KV_ROLLUP, Subjects.KV_SITES, Subjects.KV_CREDENTIALS,
                            Subjects.KV_TOKENS, Subjects.KV_LEASES), metrics.registry()) : null;
            io.cascade.hub.dashboard.DashboardService dashboard = null;
            if (config.dashboardPort().isPresent()) {
                try {
                    dashboard = io.cascade.hub.dashboard.DashboardService.start(config.grpcHost(),
                            config.dashboardPort().getAsInt(), config.tls(), api, auth, calls, verifier);
                } catch (RuntimeException e) {
                    grpc.shutdownNow();
                    if (replicas != null) {
                        replicas.close();
                    }
                    throw e;
                }
            }
            Hub hub = new Hub(config, nats, rollups, siteSet, controller, probe, health, api, grpc, calls, streams, replicas);
            hub.dashboard = dashboard;
            return hub;
        } catch (RuntimeException | IOException | InterruptedException e) {
            if (controller != null) {
                controller.close();
            }
            streams.shutdownNow();
            calls.close();
            if (probe != null) {
                probe.close();
            }
            if (rollups != null) {
                rollups.close();
            }
            nats.close();
            throw e;
        }
    }

    /**
     * Opens KV bucket {@code name} in the hub's JetStream (file storage, {@code replicas} copies), creating it
     * if it is missing and bringing its history and replicas to these if it was created with others (JetStream
     * scales a stream's replicas in place).
     */
    private static KeyValue bucket(Connection nats, int replicas, String name, int history, String description)
            throws IOException, InterruptedException {
        return open(nats, KeyValueConfiguration.builder()
                .name(name)
                .description(description)
                .maxHistoryPerKey(history)
                .storageType(StorageType.File)
                .replicas(replicas)
                .build());
    }

    /** KV {@code leases}: entries live {@link Lease#TTL} after their last write. */
    private static KeyValue leases(Connection nats, int replicas) throws IOException, InterruptedException {
        return open(nats, KeyValueConfiguration.builder()
                .name(Subjects.KV_LEASES)
                .description("Cascade leases among the hub service's replicas: rollout-driver (which one drives rollouts)")
                .maxHistoryPerKey(1)
                .ttl(Lease.TTL)
                .storageType(StorageType.File)
                .replicas(replicas)
                .build());
    }

    /**
     * Creates the bucket {@code config} describes or brings an existing one to it, waiting for a cluster that
     * has just formed ({@link Buckets#createOrUpdate}, up to {@link #STREAM_LEADER_WAIT}), and opens it.
     */
    private static KeyValue open(Connection nats, KeyValueConfiguration config) throws IOException, InterruptedException {
        try {
            Buckets.createOrUpdate(nats, config, STREAM_LEADER_WAIT);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("cannot create KV bucket " + config.getBucketName() + " in the hub's JetStream: "
                    + e.getMessage(), e);
        }
        return nats.keyValue(config.getBucketName(), KV_OPTIONS);
    }

    /** Whether this replica of the hub service drives rollouts now (it holds the driver's lease). */
    public boolean drivesRollouts() {
        return controller.drives();
    }

    /** The fleet's live site set. */
    public SiteSet sites() {
        return siteSet;
    }

    /** The port the gRPC server listens on (the configured one, or the one picked for port 0). */
    public int grpcPort() {
        return grpc.getPort();
    }

    /** The port the dashboard serves HTTPS on; empty when it is not configured. */
    public java.util.OptionalInt dashboardPort() {
        return dashboard == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(dashboard.port());
    }

    public HubConfig config() {
        return config;
    }

    /** The global rollup (for the rollout controller, and tests). */
    public Rollups rollups() {
        return rollups;
    }

    /**
     * Stops taking calls, ends WatchRollup streams, drains in-flight calls (up to 5 s), then stops the
     * rollup watches and closes NATS. Idempotent.
     */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        if (dashboard != null) {
            dashboard.close();
        }
        health.enterTerminalState();
        grpc.shutdown();
        api.endWatches();
        if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
            grpc.shutdownNow();
        }
        streams.shutdownNow();
        calls.close();
        controller.close();
        probe.close();
        rollups.close();
        if (replicas != null) {
            replicas.close();
        }
        nats.close();
        LOG.info("hub stopped");
    }
}
