package io.cascade.hub.dashboard;

import io.cascade.topology.trust.OperatorTokens;
import io.cascade.topology.trust.ServerCertificate;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The dashboard with what it calls: the hub's FleetService on an in-process gRPC server behind the same
 * {@code auth} interceptor as the network one, and a channel to it.
 */
public final class DashboardService implements AutoCloseable {

    private final Server server;
    private final ManagedChannel channel;
    private final Dashboard dashboard;

    private DashboardService(Server server, ManagedChannel channel, Dashboard dashboard) {
        this.server = server;
        this.channel = channel;
        this.dashboard = dashboard;
    }

    /** Serves the dashboard on {@code host:port} over TLS with {@code tls}, its calls going to {@code api} through {@code auth}. */
    public static DashboardService start(String host, int port, ServerCertificate tls, BindableService api, ServerInterceptor auth,
                                         Executor calls, OperatorTokens.Verifier verifier) {
        String name = "cascade-hub-dashboard-" + java.util.UUID.randomUUID();
        Server server;
        try {
            server = InProcessServerBuilder.forName(name).executor(calls)
                    .addService(ServerInterceptors.intercept(api, auth)).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the dashboard's in-process API", e);
        }
        ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
        try {
            return new DashboardService(server, channel, Dashboard.start(host, port, tls.serverContext(), channel, verifier));
        } catch (RuntimeException e) {
            channel.shutdownNow();
            server.shutdownNow();
            throw e;
        }
    }

    public int port() {
        return dashboard.port();
    }

    @Override
    public void close() throws InterruptedException {
        dashboard.close();
        channel.shutdownNow();
        server.shutdownNow();
        server.awaitTermination(5, TimeUnit.SECONDS);
    }
}
