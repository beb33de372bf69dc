package io.cascade.cli.intent;

import io.cascade.proto.FleetServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Option;

/** The hub connection shared by the intent commands (a picocli mixin). */
public final class FleetClient {

    @Option(names = "--hub", description = "The hub's FleetService host:port (default: $CASCADE_HUB, the running `cascade up`, or "
            + HubAddress.DEFAULT + ").")
    String hub;

    /** Runs {@code call} against the hub; a gRPC error becomes a message naming its status. */
    <T> T call(java.util.function.Function<FleetServiceGrpc.FleetServiceBlockingStub, T> call) throws InterruptedException {
        String target = HubAddress.resolve(hub);
        ManagedChannel channel = NettyChannelBuilder.forTarget(target).usePlaintext().build();
        try {
            return call.apply(FleetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS));
        } catch (StatusRuntimeException e) {
            String what = e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
            if (e.getStatus().getCode() == io.grpc.Status.Code.INVALID_ARGUMENT || e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
                throw new IllegalArgumentException(what, e);
            }
            throw new IllegalStateException("hub " + target + " answered " + what, e);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }
}
