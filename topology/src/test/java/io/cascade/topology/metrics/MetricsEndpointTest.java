package io.cascade.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The endpoint on a free loopback port, read the way Prometheus reads it. */
class MetricsEndpointTest {

    private final HttpClient http = HttpClient.newHttpClient();
    private PrometheusMeterRegistry registry;
    private MetricsEndpoint endpoint;

    @BeforeEach
    void start() throws IOException {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        endpoint = MetricsEndpoint.start(registry, "127.0.0.1", 0);
    }

    @AfterEach
    void stop() {
        endpoint.close();
        registry.close();
        http.close();
    }

    @Test
    void getMetricsAnswersTheScrapeInPrometheusTextFormat() throws Exception {
        registry.counter("cascade.test.deltas", "reason", "gap").increment(3);

        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(response.body())
                .contains("# TYPE cascade_test_deltas_total counter")
                .contains("cascade_test_deltas_total{reason=\"gap\"} 3.0");
    }

    @Test
    void otherPathsAndMethodsAreRefused() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/metrics/x").statusCode()).isEqualTo(404);
        assertThat(get("/health").body()).isEqualTo("not found: the metrics are at /metrics\n");

        HttpResponse<String> post = http.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @Test
    void closeFreesThePortAndIsIdempotent() throws Exception {
        int port = endpoint.port();
        assertThat(port).isPositive();
        assertThat(get("/metrics").statusCode()).isEqualTo(200);

        endpoint.close();
        endpoint.close();

        assertThatThrownBy(() -> get("/metrics")).isInstanceOf(ConnectException.class);
        try (ServerSocket again = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void aPortInUseIsReportedWithTheAddress() throws Exception {
        assertThatThrownBy(() -> MetricsEndpoint.start(registry, "127.0.0.1", endpoint.port()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot serve metrics on 127.0.0.1:" + endpoint.port());
    }

    @Test
    void onlyAPrometheusRegistryIsServed() {
        assertThatThrownBy(() -> MetricsEndpoint.start(new io.micrometer.core.instrument.simple.SimpleMeterRegistry(), "127.0.0.1", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a Prometheus registry can be served");
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + endpoint.port() + path);
    }
}
