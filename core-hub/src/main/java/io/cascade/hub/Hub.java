package io.cascade.hub;

import io.cascade.proto.ProbeReply;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.probe.ProbeResponder;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.nats.client.Connection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core hub process: its NATS connection, the gRPC server (standard health service and server
 * reflection; the FleetService joins it with the desired-state issue), and the hub's probe answer.
 * Composition root of the tier: everything is built here and closed in reverse order.
 */
public final class Hub implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

    private final HubConfig config;
    private final Connection nats;
    private final ProbeResponder probe;
    private final HealthStatusManager health;
    private final Server grpc;
    private boolean closed;

    private Hub(HubConfig config, Connection nats, ProbeResponder probe, HealthStatusManager health, Server grpc) {
        this.config = config;
        this.nats = nats;
        this.probe = probe;
        this.health = health;
        this.grpc = grpc;
    }

    public static Hub start(HubConfig config) throws IOException, InterruptedException {
        Connection nats = NatsClients.connect(NatsClients.options("cascade-hub", config.natsUrl()).build());
        ProbeResponder probe = null;
        try {
            probe = ProbeResponder.start(nats, ProbeReply.Tier.HUB, "", "", "hub " + config.fleet().name(),
                    List.of(Subjects.probeHub()));
            HealthStatusManager health = new HealthStatusManager();
            Server grpc = NettyServerBuilder.forAddress(new InetSocketAddress(config.grpcHost(), config.grpcPort()))
                    .addService(health.getHealthService())
                    .addService(ProtoReflectionServiceV1.newInstance())
                    .build();
            try {
                grpc.start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot listen for gRPC on " + config.grpcHost() + ":" + config.grpcPort(), e);
            }
            health.setStatus("", ServingStatus.SERVING);
            LOG.info("hub of fleet {} serving gRPC on {}:{}, NATS {}", config.fleet().name(), config.grpcHost(),
                    grpc.getPort(), config.natsUrl());
            return new Hub(config, nats, probe, health, grpc);
        } catch (RuntimeException e) {
            if (probe != null) {
                probe.close();
            }
            nats.close();
            throw e;
        }
    }

    /** The port the gRPC server listens on (the configured one, or the one picked for port 0). */
    public int grpcPort() {
        return grpc.getPort();
    }

    public HubConfig config() {
        return config;
    }

    /** Stops taking calls, drains in-flight ones (up to 5 s), then closes NATS. Idempotent. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        health.enterTerminalState();
        grpc.shutdown();
        if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
            grpc.shutdownNow();
        }
        probe.close();
        nats.close();
        LOG.info("hub stopped");
    }
}
