package io.cascade.hub.api;

import com.google.protobuf.Timestamp;
import io.cascade.hub.intent.IntentException;
import io.cascade.hub.registration.BootstrapTokens;
import io.cascade.hub.sites.SiteException;
import io.cascade.hub.sites.SiteRemover;
import io.cascade.hub.intent.IntentPage;
import io.cascade.hub.intent.Intents;
import io.cascade.hub.intent.Publication;
import io.cascade.hub.intent.StoredIntent;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.hub.rollup.RollupException;
import io.cascade.hub.rollout.RolloutController;
import io.cascade.hub.rollup.Rollups;
import io.cascade.proto.RolloutControlRequest;
import io.cascade.proto.RolloutControlResponse;
import io.cascade.hub.rollup.SiteQuery;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.GetIntentResponse;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GetRollupResponse;
import io.cascade.proto.GlobalRollup;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.ListIntentsResponse;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.Intent;
import io.cascade.proto.RemoveSiteRequest;
import io.cascade.proto.RevokeCredentialRequest;
import io.cascade.proto.RevokeCredentialResponse;
import io.cascade.topology.trust.OperatorTokens;
import io.cascade.proto.RemoveSiteResponse;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.proto.WatchRollupRequest;
import io.cascade.proto.WatchRollupResponse;
import io.cascade.proto.WithdrawIntentRequest;
import io.cascade.proto.WithdrawIntentResponse;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code cascade.v1.FleetService}: intents are served from {@link Intents}, rollups from {@link Rollups},
 * the site drill-down from {@link SiteQuery}. Calls block on JetStream or on relays, so the server runs
 * them on its own (virtual-thread) executor, never on a transport thread; WatchRollup streams send from
 * {@code streamScheduler}.
 */
public final class FleetApi extends FleetServiceGrpc.FleetServiceImplBase {

    private static final Logger LOG = LoggerFactory.getLogger(FleetApi.class);
    /** A WatchRollup stream sends at most one rollup per this interval. */
    static final Duration WATCH_INTERVAL = Duration.ofMillis(500);

    private final Intents intents;
    private final Rollups rollups;
    private final SiteQuery sites;
    private final SiteRemover removals;
    private final CredentialRevocations revocations;
    private final BootstrapTokens tokens;
    private final io.cascade.hub.registration.Registrar registrar;
    private final RolloutController rollouts;
    private final ScheduledExecutorService streamScheduler;
    private final HubMetrics metrics;
    private final Set<RollupStream> watches = ConcurrentHashMap.newKeySet();

    /**
     * @param streamScheduler sends the WatchRollup streams' messages; one thread is enough, as sends
     *                        never block (a stream whose client does not keep up is skipped)
     */
    public FleetApi(Intents intents, Rollups rollups, SiteQuery sites, SiteRemover removals, CredentialRevocations revocations,
                    BootstrapTokens tokens, io.cascade.hub.registration.Registrar registrar, RolloutController rollouts, ScheduledExecutorService streamScheduler,
                    HubMetrics metrics) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.registrar = Objects.requireNonNull(registrar, "registrar");
        this.removals = Objects.requireNonNull(removals, "removals");
        this.revocations = Objects.requireNonNull(revocations, "revocations");
        this.intents = Objects.requireNonNull(intents, "intents");
        this.rollups = Objects.requireNonNull(rollups, "rollups");
        this.sites = Objects.requireNonNull(sites, "sites");
        this.rollouts = Objects.requireNonNull(rollouts, "rollouts");
        this.streamScheduler = Objects.requireNonNull(streamScheduler, "streamScheduler");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        metrics.watchStreams(watches::size);
    }

    @Override
    public void publishIntent(PublishIntentRequest request, StreamObserver<PublishIntentResponse> response) {
        answer("PublishIntent", response, () -> {
            if (!request.hasIntent()) {
                metrics.publishRefused(true);
                throw new IntentException(IntentException.Reason.INVALID, "intent: required");
            }
            long start = System.nanoTime();
            Publication publication;
            try {
                // the audit trail names the authenticated caller; a requested_by sent by the client is not trusted
                OperatorTokens.Claims caller = CallerAuth.CALLER.get();
                Intent sent = request.getIntent();
                publication = intents.publish(sent.toBuilder().setMetadata(sent.getMetadata().toBuilder()
                        .setRequestedBy(caller == null ? "" : caller.name())).build());
            } catch (IntentException e) {
                metrics.publishRefused(e.reason() == IntentException.Reason.INVALID);
                throw e;
            }
            metrics.published(publication.unchanged(), System.nanoTime() - start);
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
        answer("WithdrawIntent", response, () -> {
            long revision = intents.withdraw(request.getApp());
            metrics.withdrawn();
            return WithdrawIntentResponse.newBuilder().setIntentRevision(revision).build();
        });
    }

    @Override
    public void getRollup(GetRollupRequest request, StreamObserver<GetRollupResponse> response) {
        Optional<String> app = request.hasApp() ? Optional.of(request.getApp()) : Optional.empty();
        answer("GetRollup", response, () -> GetRollupResponse.newBuilder().setRollup(rollups.rollup(app)).build());
    }

    @Override
    public void watchRollup(WatchRollupRequest request, StreamObserver<WatchRollupResponse> response) {
        Optional<String> app = request.hasApp() ? Optional.of(request.getApp()) : Optional.empty();
        RollupStream stream = new RollupStream((ServerCallStreamObserver<WatchRollupResponse>) response, app,
                () -> rollups.view(app), streamScheduler, WATCH_INTERVAL, watches::remove);
        watches.add(stream);
        stream.subscribed(rollups.subscribe(stream::changed));
        GlobalRollup initial;
        try {
            initial = rollups.rollup(app);
        } catch (RollupException e) {
            stream.refused();
            fail("WatchRollup", response, status(e), e);
            return;
        }
        stream.open(initial);
    }

    @Override
    public void listSites(ListSitesRequest request, StreamObserver<ListSitesResponse> response) {
        metrics.listSites();
        answer("ListSites", response, () -> sites.list(request));
    }

    @Override
    public void pauseRollout(RolloutControlRequest request, StreamObserver<RolloutControlResponse> response) {
        answer("PauseRollout", response, () -> rollouts.pause(request.getApp()));
    }

    @Override
    public void resumeRollout(RolloutControlRequest request, StreamObserver<RolloutControlResponse> response) {
        answer("ResumeRollout", response, () -> rollouts.resume(request.getApp()));
    }

    @Override
    public void rollbackRollout(RolloutControlRequest request, StreamObserver<RolloutControlResponse> response) {
        answer("RollbackRollout", response, () -> rollouts.rollback(request.getApp()));
    }

    @Override
    public void revokeCredential(RevokeCredentialRequest request, StreamObserver<RevokeCredentialResponse> response) {
        answer("RevokeCredential", response, () -> {
            OperatorTokens.Claims caller = CallerAuth.CALLER.get();
            revocations.revoke(request.getId(), request.getReason(), caller == null ? "?" : caller.name());
            return RevokeCredentialResponse.newBuilder().setId(request.getId()).build();
        });
    }

    @Override
    public void removeSite(RemoveSiteRequest request, StreamObserver<RemoveSiteResponse> response) {
        answer("RemoveSite", response, () -> removals.remove(request.getSite(), request.getReason()));
    }

    @Override
    public void createToken(io.cascade.proto.CreateTokenRequest request, StreamObserver<io.cascade.proto.CreateTokenResponse> response) {
        answer("CreateToken", response, () -> {
            Duration ttl = request.hasTtl()
                    ? Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos()) : Duration.ZERO;
            BootstrapTokens.Issued issued = tokens.create(request.getRegion(), request.getLabelsMap(), request.getMaxUses(), ttl,
                    callerName());
            return io.cascade.proto.CreateTokenResponse.newBuilder().setToken(issued.text()).setInfo(issued.token()).build();
        });
    }

    @Override
    public void listTokens(io.cascade.proto.ListTokensRequest request, StreamObserver<io.cascade.proto.ListTokensResponse> response) {
        answer("ListTokens", response, () -> io.cascade.proto.ListTokensResponse.newBuilder().addAllTokens(tokens.list()).build());
    }

    @Override
    public void revokeToken(io.cascade.proto.RevokeTokenRequest request, StreamObserver<io.cascade.proto.RevokeTokenResponse> response) {
        answer("RevokeToken", response, () -> io.cascade.proto.RevokeTokenResponse.newBuilder()
                .setToken(tokens.revoke(request.getId(), callerName())).build());
    }

    @Override
    public void getSite(io.cascade.proto.GetSiteRequest request, StreamObserver<io.cascade.proto.GetSiteResponse> response) {
        answer("GetSite", response, () -> removals.lookup(request.getSite()));
    }

    @Override
    public void allowRebuild(io.cascade.proto.AllowRebuildRequest request,
                             StreamObserver<io.cascade.proto.AllowRebuildResponse> response) {
        answer("AllowRebuild", response, () -> removals.allowRebuild(request.getSite(), request.hasTtl()
                ? Duration.ofSeconds(request.getTtl().getSeconds(), request.getTtl().getNanos()) : Duration.ZERO));
    }

    @Override
    public void registerSite(io.cascade.proto.RegisterSiteRequest request,
                             StreamObserver<io.cascade.proto.RegisterSiteResponse> response) {
        String from = CallerAuth.CALLER_ADDRESS.get();
        answer("RegisterSite", response, () -> registrar.register(request, from == null ? "?" : from));
    }

    private static String callerName() {
        OperatorTokens.Claims caller = CallerAuth.CALLER.get();
        return caller == null ? "?" : caller.name();
    }

    /**
     * Ends every open WatchRollup stream normally. The hub calls it while shutting down, after the server
     * stopped taking calls, so that the server's drain does not wait for streams that never end.
     */
    public void endWatches() {
        watches.forEach(RollupStream::complete);
    }

    /** Runs one unary call and answers it: its result, or its error mapped to a status. */
    private static <T> void answer(String method, StreamObserver<T> response, Call<T> call) {
        T result;
        try {
            result = call.run();
        } catch (IntentException e) {
            fail(method, response, status(e), e);
            return;
        } catch (RollupException e) {
            fail(method, response, status(e), e);
            return;
        } catch (SiteException e) {
            fail(method, response, status(e), e);
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

    /** Answers {@code e} with {@code status}; logs it only when the hub, not the request, is at fault. */
    private static void fail(String method, StreamObserver<?> response, Status status, Exception e) {
        if (status.getCode() == Status.Code.UNAVAILABLE || status.getCode() == Status.Code.INTERNAL) {
            LOG.warn("{} failed: {}", method, e.getMessage(), e);
        }
        response.onError(status.withDescription(e.getMessage()).asRuntimeException());
    }

    /** The one place where rollup errors become gRPC status codes. */
    private static Status status(RollupException e) {
        return switch (e.reason()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case UNAVAILABLE -> Status.UNAVAILABLE;
        };
    }

    /** The one place where site-set errors become gRPC status codes. */
    private static Status status(SiteException e) {
        return switch (e.reason()) {
            case INVALID -> Status.INVALID_ARGUMENT;
            case NOT_FOUND -> Status.NOT_FOUND;
            case UNAVAILABLE -> Status.UNAVAILABLE;
            case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
            case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
            case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
            case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
        };
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
        T run() throws IntentException, RollupException, SiteException, InterruptedException;
    }
}
