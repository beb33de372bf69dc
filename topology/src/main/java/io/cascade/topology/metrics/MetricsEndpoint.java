package io.cascade.topology.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves a process's meters to Prometheus: {@code GET /metrics} answers the registry's scrape in the
 * Prometheus text format (version 0.0.4); every other path is 404. The JDK's HTTP server, each
 * exchange on a virtual thread.
 */
public final class MetricsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);
    static final String PATH = "/metrics";
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final HttpServer server;
    private final ExecutorService exchanges;
    private final AtomicBoolean closed = new AtomicBoolean();

    private MetricsEndpoint(HttpServer server, ExecutorService exchanges) {
        this.server = server;
        this.exchanges = exchanges;
    }

    /**
     * Binds {@code host:port} (port 0: a free port, see {@link #port()}) and starts serving.
     *
     * @throws IOException when the address cannot be bound, with the address in the message
     */
    public static MetricsEndpoint start(MeterRegistry registry, String host, int port) throws IOException {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalArgumentException("only a Prometheus registry can be served (newRegistry()), not a "
                    + registry.getClass().getSimpleName());
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("metrics port must be 0 (a free one) to 65535, got " + port);
        }
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new IOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService exchanges = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(exchanges);
        server.createContext("/", exchange -> answer(prometheus, exchange));
        server.start();
        MetricsEndpoint endpoint = new MetricsEndpoint(server, exchanges);
        LOG.info("metrics on http://{}:{}{}", host, endpoint.port(), PATH);
        return endpoint;
    }

    /** A registry {@link #start} can serve: Prometheus's. */
    static MeterRegistry newRegistry() {
        return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }

    /** What {@code GET /metrics} answers for {@code registry} (one from {@link #newRegistry()}). */
    static String scrape(MeterRegistry registry) {
        if (!(registry instanceof PrometheusMeterRegistry prometheus)) {
            throw new IllegalStateException("a " + registry.getClass().getSimpleName() + " has no Prometheus text");
        }
        return prometheus.scrape();
    }

    /** The bound port (the free one chosen when started with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void answer(PrometheusMeterRegistry registry, HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(PATH)) {
                plain(exchange, 404, "not found: the metrics are at " + PATH + "\n");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                plain(exchange, 405, "method " + method + " not allowed: use GET\n");
            } else {
                byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
                send(exchange, 200, body);
            }
        }
    }

    private static void plain(HttpExchange exchange, int status, String text) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        send(exchange, status, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        boolean head = exchange.getRequestMethod().equals("HEAD");
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops listening (the port is free again) and waits for the exchanges under way. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            server.stop(0);
            exchanges.close();
        }
    }
}
