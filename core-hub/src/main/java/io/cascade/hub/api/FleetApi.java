package io.cascade.hub.api;

import com.google.protobuf.Timestamp;
import io.cascade.hub.intent.IntentException;
import io.cascade.hub.intent.IntentPage;
import io.cascade.hub.intent.Intents;
import io.cascade.hub.intent.Publication;
import io.cascade.hub.intent.StoredIntent;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.GetIntentResponse;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GetRollupResponse;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.ListIntentsResponse;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.proto.WatchRollupRequest;
import io.cascade.proto.WatchRollupResponse;
import io.cascade.proto.WithdrawIntentRequest;
import io.cascade.proto.WithdrawIntentResponse;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cascade.v1.FleetService}: intents are served from {@link Intents}; the rollup and site
 * drill-down calls come with the rollup issue and answer {@code UNIMPLEMENTED} until then. Calls block on
 * JetStream, so the server runs them on its own (virtual-thread) executor, never on a transport thread.
 */
public final class FleetApi extends FleetServiceGrpc.FleetServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(FleetApi.class);
    private static final String ROLLUP_LATER = " is not implemented yet: rollups and site drill-down come with the "
            + "relays' status aggregation";

    private final Intents intents;

    public FleetApi(Intents intents) {
        this.intents = Objects.requireNonNull(intents, "intents");
    }

    @Override
    public void publishIntent(PublishIntentRequest request, StreamObserver<PublishIntentResponse> response) {
        answer("PublishIntent", response, () -> {
            if (!request.hasIntent()) {
                throw new IntentException(IntentException.Reason.INVALID, "intent: required");
            }
            Publication publication = intents.publish(request.getIntent());
            return PublishIntentResponse.newBuilder()
                    .setIntentRevision(publication.revision())
                    .setUnchanged(publication.unchanged())
                    .build();
        });
    }

    @Override
    public void getIntent(GetIntentRequest request, StreamObserver<GetIntentResponse> response) {
        answer("GetIntent", response, () -> {
            StoredIntent stored = intents.get(request.getApp(), request.hasIntentRevision()
                    ? OptionalLong.of(request.getIntentRevision()) : OptionalLong.empty());
            return GetIntentResponse.newBuilder()
                    .setIntent(stored.intent())
                    .setIntentRevision(stored.revision())
                    .setPublishedAt(Timestamp.newBuilder()
                            .setSeconds(stored.publishedAt().getEpochSecond())
                            .setNanos(stored.publishedAt().getNano()))
                    .build();
        });
    }

    @Override
    public void listIntents(ListIntentsRequest request, StreamObserver<ListIntentsResponse> response) {
        answer("ListIntents", response, () -> {
            IntentPage page = intents.list(request.getPageSize(), request.getPageToken());
            return ListIntentsResponse.newBuilder()
                    .addAllIntents(page.intents())
                    .setNextPageToken(page.nextPageToken())
                    .build();
        });
    }

    @Override
    public void withdrawIntent(WithdrawIntentRequest request, StreamObserver<WithdrawIntentResponse> response) {
        answer("WithdrawIntent", response, () -> WithdrawIntentResponse.newBuilder()
                .setIntentRevision(intents.withdraw(request.getApp()))
                .build());
    }

    @Override
    public void getRollup(GetRollupRequest request, StreamObserver<GetRollupResponse> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription("GetRollup" + ROLLUP_LATER).asRuntimeException());
    }

    @Override
    public void watchRollup(WatchRollupRequest request, StreamObserver<WatchRollupResponse> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription("WatchRollup" + ROLLUP_LATER).asRuntimeException());
    }

    @Override
    public void listSites(ListSitesRequest request, StreamObserver<ListSitesResponse> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription("ListSites" + ROLLUP_LATER).asRuntimeException());
    }

    /** Runs one unary call and answers it: its result, or its error mapped to a status. */
    private static <T> void answer(String method, StreamObserver<T> response, Call<T> call) {
        T result;
        try {
            result = call.run();
        } catch (IntentException e) {
            if (e.reason() == IntentException.Reason.UNAVAILABLE || e.reason() == IntentException.Reason.STORE_FAILED) {
                LOG.warn("{} failed: {}", method, e.getMessage(), e);
            }
            response.onError(status(e).withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response.onError(Status.UNAVAILABLE.withDescription("the hub is shutting down").asRuntimeException());
            return;
        } catch (RuntimeException e) {
            LOG.error("{} failed unexpectedly", method, e);
            response.onError(Status.INTERNAL.withDescription(method + " failed: " + e).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }

    /** The one place where intent errors become gRPC status codes. */
    private static Status status(IntentException e) {
        return switch (e.reason()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case CONFLICT -> Status.ABORTED;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case STORE_FAILED -> Status.INTERNAL;
            case PRECONDITION -> Status.FAILED_PRECONDITION;
        };
    }

    @FunctionalInterface
    private interface Call<T> {
        T run() throws IntentException, InterruptedException;
    }
}
