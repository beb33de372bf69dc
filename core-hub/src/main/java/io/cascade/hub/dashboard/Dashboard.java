package io.cascade.hub.dashboard;

import static io.cascade.hub.dashboard.HttpAnswers.error;
import static io.cascade.hub.dashboard.HttpAnswers.intParam;
import static io.cascade.hub.dashboard.HttpAnswers.json;
import static io.cascade.hub.dashboard.HttpAnswers.query;
import static io.cascade.hub.dashboard.HttpAnswers.quote;
import static io.cascade.hub.dashboard.HttpAnswers.text;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.cascade.proto.AppState;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.RolloutControlRequest;
import io.cascade.topology.trust.OperatorTokens;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's dashboard: a page (static files, no build step) and a JSON API over HTTPS on its own port, every call
 * made on the caller's behalf through the hub's own FleetService (an in-process channel, so the same credential
 * checks, roles and errors apply as on gRPC: a read-only caller's pause is refused with 403). Sign-in takes an
 * operator credential (a token from {@code cascade trust operator}) and keeps it in an HttpOnly, Secure,
 * SameSite=Strict cookie; state-changing calls also need the header {@value #CSRF_HEADER}. Live updates are a
 * server-sent event stream fed by WatchRollup (a whole global rollup per change, never a site list); sites are
 * served a page at a time by ListSites.
 */
public final class Dashboard implements AutoCloseable {

    static final String COOKIE = "cascade_session";
    /** Header every POST and DELETE must carry (a page of this origin sets it; a cross-site form cannot). */
    static final String CSRF_HEADER = "X-Cascade-Request";
    /** The largest request body taken (a sign-in carries one credential); a larger one is answered 413. */
    static final int MAX_BODY = 16 * 1024;
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html", "/index.html", "index.html", "/app.js", "app.js", "/app.css", "app.css");

    private final HttpsServer server;
    private final ExecutorService exchanges;
    private final Channel hub;
    private final OperatorTokens.Verifier verifier;
    private final Clock clock;

    private Dashboard(HttpsServer server, ExecutorService exchanges, Channel hub, OperatorTokens.Verifier verifier, Clock clock) {
        this.server = server;
        this.exchanges = exchanges;
        this.hub = hub;
        this.verifier = verifier;
        this.clock = clock;
    }

    /**
     * Serves the dashboard on {@code host:port} (0: a free port) over TLS with {@code tls}, calling the hub's API on
     * {@code hub} with each caller's own credential; {@code verifier} reads a credential's name and role at sign-in.
     */
    public static Dashboard start(String host, int port, SSLContext tls, Channel hub, OperatorTokens.Verifier verifier) {
        HttpsServer server;
        try {
            server = HttpsServer.create(new InetSocketAddress(host, port), 64);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen for the dashboard on " + host + ":" + port, e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        // an event stream holds its exchange for as long as the page is open: one virtual thread each
        ExecutorService exchanges = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("hub-dashboard-", 0).factory());
        server.setExecutor(exchanges);
        Dashboard d = new Dashboard(server, exchanges, hub, verifier, Clock.systemUTC());
        server.createContext("/", d::handle);
        server.start();
        LOG.info("dashboard on https://{}:{}/", host, d.port());
        return d;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) {
        // not try-with-resources: the exchange must still be open when a catch below answers with an error
        try {
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            ex.getResponseHeaders().set("Cache-Control", "no-store");
            ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            // the whole request is read before any answer: the JDK's HTTPS server loses a keep-alive connection's next
            // request when it arrives while an unread body is still being drained after the answer (the request sits
            // undecrypted in the TLS buffer, the selector never fires, and the client waits until it times out)
            byte[] body = ex.getRequestBody().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                ex.getResponseHeaders().set("Connection", "close");
                error(ex, 413, "a request body is at most " + MAX_BODY + " bytes");
                return;
            }
            if (STATIC.containsKey(path) && method.equals("GET")) {
                serveStatic(ex, STATIC.get(path));
                return;
            }
            if (!path.startsWith("/api/")) {
                error(ex, 404, "no such page: " + path);
                return;
            }
            if (!method.equals("GET") && !"1".equals(ex.getRequestHeaders().getFirst(CSRF_HEADER))) {
                error(ex, 403, method + " needs the header " + CSRF_HEADER + ": 1");
                return;
            }
            if (path.equals("/api/session")) {
                session(ex, method, body);
                return;
            }
            Optional<String> token = token(ex);
            if (token.isEmpty()) {
                error(ex, 401, "not signed in: POST /api/session with an operator credential");
                return;
            }
            api(ex, method, path, token.get());
        } catch (StatusRuntimeException e) {
            error(ex, httpStatus(e.getStatus().getCode()), e.getStatus().getDescription() == null
                    ? e.getStatus().getCode().name() : e.getStatus().getDescription());
        } catch (IOException e) {
            LOG.debug("dashboard: {} {}: {}", ex.getRequestMethod(), ex.getRequestURI(), e.toString());
        } catch (RuntimeException e) {
            LOG.warn("dashboard: {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
            error(ex, 500, "internal error: " + e);
        } finally {
            ex.close();
        }
    }

    private void api(HttpExchange ex, String method, String path, String token) throws IOException {
        FleetServiceGrpc.FleetServiceBlockingStub fleet = calling(token);
        Map<String, String> q = query(ex);
        String[] parts = path.split("/");
        switch (method + " " + (parts.length > 2 ? parts[2] : "")) {
            case "GET rollup" -> {
                GetRollupRequest.Builder r = GetRollupRequest.newBuilder();
                Optional.ofNullable(q.get("app")).ifPresent(r::setApp);
                json(ex, 200, fleet.getRollup(r.build()));
            }
            case "GET intents" -> json(ex, 200, fleet.listIntents(ListIntentsRequest.newBuilder()
                    .setPageSize(intParam(q, "page_size", 100)).setPageToken(q.getOrDefault("page_token", "")).build()));
            case "GET sites" -> {
                ListSitesRequest.Builder r = ListSitesRequest.newBuilder()
                        .setPageSize(intParam(q, "page_size", 50)).setPageToken(q.getOrDefault("page_token", ""));
                Optional.ofNullable(q.get("region")).filter(s -> !s.isEmpty()).ifPresent(r::setRegion);
                Optional.ofNullable(q.get("app")).filter(s -> !s.isEmpty()).ifPresent(r::setApp);
                Optional.ofNullable(q.get("state")).filter(s -> !s.isEmpty()).ifPresent(s -> r.setState(appState(s)));
                Optional.ofNullable(q.get("q")).map(String::trim).filter(s -> !s.isEmpty()).ifPresent(r::setSiteContains);
                json(ex, 200, fleet.listSites(r.build()));
            }
            case "GET events" -> RollupEvents.stream(ex, FleetServiceGrpc.newStub(hub)
                    .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token))), q.get("app"));
            case "POST rollouts" -> {
                // /api/rollouts/<app>/<pause|resume|rollback>
                if (parts.length != 5) {
                    error(ex, 404, "POST /api/rollouts/<app>/pause|resume|rollback");
                    return;
                }
                RolloutControlRequest r = RolloutControlRequest.newBuilder().setApp(parts[3])
                        .setReason("dashboard").build();
                json(ex, 200, switch (parts[4]) {
                    case "pause" -> fleet.pauseRollout(r);
                    case "resume" -> fleet.resumeRollout(r);
                    case "rollback" -> fleet.rollbackRollout(r);
                    default -> throw Status.NOT_FOUND.withDescription("no rollout action " + parts[4]
                            + " (pause, resume, rollback)").asRuntimeException();
                });
            }
            default -> error(ex, 404, "no such call: " + method + " " + path);
        }
    }

    /** POST signs in (body: the operator credential), GET says who is signed in, DELETE signs out. */
    private void session(HttpExchange ex, String method, byte[] body) throws IOException {
        switch (method) {
            case "POST" -> {
                String token = new String(body, StandardCharsets.UTF_8).trim();
                OperatorTokens.Claims who = claims(token);
                if (who == null) {
                    error(ex, 401, "not an operator credential of this fleet, or expired");
                    return;
                }
                // the hub's own check too: a revoked credential is refused here, not at the first call
                calling(token).getRollup(GetRollupRequest.getDefaultInstance());
                ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; Secure; SameSite=Strict");
                text(ex, 200, "application/json", me(who));
            }
            case "GET" -> {
                OperatorTokens.Claims who = token(ex).map(this::claims).orElse(null);
                if (who == null) {
                    error(ex, 401, "not signed in");
                    return;
                }
                text(ex, 200, "application/json", me(who));
            }
            case "DELETE" -> {
                ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict");
                text(ex, 200, "application/json", "{}");
            }
            default -> error(ex, 405, method + " /api/session");
        }
    }

    private OperatorTokens.Claims claims(String token) {
        try {
            return verifier.verify(token, clock.instant());
        } catch (OperatorTokens.Refused e) {
            return null;
        }
    }

    private static String me(OperatorTokens.Claims who) {
        return "{\"name\":" + quote(who.name()) + ",\"role\":" + quote(who.role().label())
                + ",\"canControl\":" + who.role().covers(OperatorTokens.Role.PUBLISHER) + ",\"expiresAt\":"
                + quote(who.expiresAt().toString()) + "}";
    }

    private static Optional<String> token(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth != null && auth.startsWith("Bearer ")) {
            return Optional.of(auth.substring("Bearer ".length()).trim());
        }
        for (String header : ex.getRequestHeaders().getOrDefault("Cookie", java.util.List.of())) {
            for (String c : header.split(";")) {
                String kv = c.trim();
                if (kv.startsWith(COOKIE + "=") && kv.length() > COOKIE.length() + 1) {
                    return Optional.of(kv.substring(COOKIE.length() + 1));
                }
            }
        }
        return Optional.empty();
    }

    /** The hub's FleetService called with {@code token} as the caller's credential, within 15 s. */
    private FleetServiceGrpc.FleetServiceBlockingStub calling(String token) {
        return FleetServiceGrpc.newBlockingStub(hub).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer(token)))
                .withDeadlineAfter(15, TimeUnit.SECONDS);
    }

    private static Metadata bearer(String token) {
        Metadata m = new Metadata();
        m.put(AUTHORIZATION, "Bearer " + token);
        return m;
    }

    private static AppState appState(String s) {
        try {
            return AppState.valueOf(s.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw Status.INVALID_ARGUMENT.withDescription("state must be one of pending, applying, ready, failed, drifted; got "
                    + s).asRuntimeException();
        }
    }

    static int httpStatus(Status.Code code) {
        return switch (code) {
            case UNAUTHENTICATED -> 401;
            case PERMISSION_DENIED -> 403;
            case INVALID_ARGUMENT, OUT_OF_RANGE -> 400;
            case NOT_FOUND -> 404;
            case FAILED_PRECONDITION, ALREADY_EXISTS, ABORTED -> 409;
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED -> 503;
            default -> 500;
        };
    }

    private void serveStatic(HttpExchange ex, String file) throws IOException {
        try (InputStream in = Dashboard.class.getResourceAsStream(file)) {
            if (in == null) {
                error(ex, 404, "missing resource " + file);
                return;
            }
            String type = file.endsWith(".html") ? "text/html" : file.endsWith(".js") ? "text/javascript" : "text/css";
            ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'");
            text(ex, 200, type, new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** Stops taking requests; open event streams end within a second. */
    @Override
    public void close() {
        server.stop(1);
        exchanges.shutdownNow();
    }
}
