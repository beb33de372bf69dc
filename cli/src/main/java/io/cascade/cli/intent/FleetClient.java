package io.cascade.cli.intent;

import io.cascade.proto.FleetServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** The hub connection shared by the intent commands (a picocli mixin). */
public final class FleetClient {

    @Option(names = "--hub", description = "The hub's FleetService host:port (default: $CASCADE_HUB, the running `cascade up`, or "
            + HubAddress.DEFAULT + ").")
    String hub;

    @Option(names = "--ca", paramLabel = "FILE", description = "The fleet CA's certificate the hub's is checked against "
            + "(default: $CASCADE_CA, or the running `cascade up`'s).")
    java.nio.file.Path ca;

    @Option(names = "--credential", paramLabel = "FILE", description = "The operator token to call the hub with, from "
            + "`cascade trust operator` (default: $CASCADE_CREDENTIAL, or the running `cascade up`'s).")
    java.nio.file.Path credential;

    /**
     * Opens a server stream with {@code open} and hands its iterator to {@code consume}, with no
     * deadline (a watch lasts as long as the user wants); gRPC errors are reported as in {@link #call}.
     */
    public <M, T> T stream(java.util.function.Function<FleetServiceGrpc.FleetServiceBlockingStub, java.util.Iterator<M>> open,
                           java.util.function.Function<java.util.Iterator<M>, T> consume) throws InterruptedException {
        String target = HubAddress.resolve(hub);
        ManagedChannel channel = HubAddress.channel(target, HubAddress.ca(ca), HubAddress.credential(credential));
        try {
            return consume.apply(open.apply(FleetServiceGrpc.newBlockingStub(channel)));
        } catch (StatusRuntimeException e) {
            throw failure(target, e);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private static RuntimeException failure(String target, StatusRuntimeException e) {
        String what = e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
        if (e.getStatus().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT || e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
            return new IllegalArgumentException(what, e);
        }
        return new IllegalStateException("hub " + target + " answered " + what, e);
    }

    /**
     * Runs {@code calls} on one channel to the hub, for commands that make many calls (a bulk publish): each
     * stub the supplier gives has its own 30 s deadline. A gRPC error that escapes {@code calls} becomes a
     * message naming its status, as in {@link #call}.
     */
    public <T> T session(java.util.function.Function<java.util.function.Supplier<FleetServiceGrpc.FleetServiceBlockingStub>, T> calls)
            throws InterruptedException {
        String target = HubAddress.resolve(hub);
        ManagedChannel channel = HubAddress.channel(target, HubAddress.ca(ca), HubAddress.credential(credential));
        try {
            return calls.apply(() -> FleetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
        } catch (StatusRuntimeException e) {
            throw failure(target, e);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Runs {@code call} against the hub; a gRPC error becomes a message naming its status. */
    public <T> T call(java.util.function.Function<FleetServiceGrpc.FleetServiceBlockingStub, T> call) throws InterruptedException {
        String target = HubAddress.resolve(hub);
        ManagedChannel channel = HubAddress.channel(target, HubAddress.ca(ca), HubAddress.credential(credential));
        try {
            return call.apply(FleetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
        } catch (StatusRuntimeException e) {
            throw failure(target, e);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
