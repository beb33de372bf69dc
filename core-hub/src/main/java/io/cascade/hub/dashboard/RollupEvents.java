package io.cascade.hub.dashboard;

import com.sun.net.httpserver.HttpExchange;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.WatchRollupRequest;
import io.cascade.proto.WatchRollupResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/** The dashboard's live view: the hub's WatchRollup as a server-sent event stream on one exchange. */
final class RollupEvents {

    /** How often an idle event stream sends a comment, so a closed browser tab is noticed. */
    static final long KEEPALIVE_SECONDS = 15;

    private RollupEvents() {
    }

    /**
     * The global rollup as server-sent events, one {@code rollup} event per change, until the page goes away. The
     * WatchRollup callbacks only keep the latest rollup (each is a whole snapshot, so a newer one replaces an unsent
     * one) and wake this exchange's own thread, which does the writing: a page on a slow link delays only itself, never
     * the hub's thread that feeds every watch.
     */
    static void stream(HttpExchange ex, FleetServiceGrpc.FleetServiceStub fleet, String app) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        AtomicReference<WatchRollupResponse> latest = new AtomicReference<>();
        AtomicReference<String> failure = new AtomicReference<>();
        AtomicBoolean ended = new AtomicBoolean();
        Semaphore wake = new Semaphore(0);
        ClientCallStreamObserver<?>[] call = new ClientCallStreamObserver<?>[1];
        WatchRollupRequest.Builder request = WatchRollupRequest.newBuilder();
        Optional.ofNullable(app).filter(s -> !s.isEmpty()).ifPresent(request::setApp);
        fleet.watchRollup(request.build(), new ClientResponseObserver<WatchRollupRequest, WatchRollupResponse>() {
                    @Override
                    public void beforeStart(ClientCallStreamObserver<WatchRollupRequest> stream) {
                        call[0] = stream;
                    }

                    @Override
                    public void onNext(WatchRollupResponse r) {
                        latest.set(r);
                        wake.release();
                    }

                    @Override
                    public void onError(Throwable t) {
                        Status s = Status.fromThrowable(t);
                        failure.set(s.getCode() + ": " + s.getDescription());
                        ended.set(true);
                        wake.release();
                    }

                    @Override
                    public void onCompleted() {
                        ended.set(true);
                        wake.release();
                    }
                });
        try {
            while (true) {
                boolean woken = wake.tryAcquire(KEEPALIVE_SECONDS, TimeUnit.SECONDS);
                wake.drainPermits();
                WatchRollupResponse r = latest.getAndSet(null);
                if (r != null && !send(out, "event: rollup\ndata: " + HttpAnswers.print(r.getRollup()) + "\n\n")) {
                    break;
                }
                if (ended.get()) {
                    if (failure.get() != null) {
                        send(out, "event: failed\ndata: " + HttpAnswers.quote(failure.get()) + "\n\n");
                    }
                    break;
                }
                if (!woken && !send(out, ": keep-alive\n\n")) {
                    break;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (call[0] != null) {
                call[0].cancel("the page went away", null);
            }
        }
    }

    /** Writes one event on this exchange's own thread; false once the page has gone away. */
    private static boolean send(OutputStream out, String event) {
        try {
            out.write(event.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException gone) {
            return false;
        }
    }
}
