package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.Wave;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.OperatorTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The hub's dashboard over HTTPS on a real fabric (hub, both relays, 6 edges): the page and its files, sign-in with an
 * operator credential (refused without the request header, for a credential not of this fleet, and after sign-out),
 * the rollup and intents as JSON, sites a page at a time with filters and a search, live rollups as server-sent events that show a
 * rollout's wave moving without a reload, a failing site with its error text, and pause: refused (403) for a read-only
 * credential, done for a publisher.
 */
class DashboardIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static FleetHarness fleet;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        // every apply of app "broken" fails with the simulator's error text
        fleet = new FleetHarness(FABRIC, site -> Providers.fromSpec("sim:failApps=broken"));
        fleet.startAllEdges();
    }

    @AfterAll
    static void stop() throws Exception {
        fleet.close();
    }

    @Test
    void anOperatorSignsInSeesTheFleetWatchesARolloutLiveAndPausesIt() throws Exception {
        Browser publisher = new Browser();
        assertThat(publisher.get("/").statusCode()).isEqualTo(200);
        assertThat(publisher.get("/").body()).contains("<title>Cascade fleet</title>", "app.js");
        assertThat(publisher.get("/app.js").headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/javascript"));
        assertThat(publisher.get("/api/rollup").statusCode()).as("not signed in").isEqualTo(401);
        assertThat(publisher.post("/api/session", "x", false).statusCode()).as("no request header").isEqualTo(403);
        assertThat(publisher.post("/api/session", "not-a-credential", true).statusCode()).isEqualTo(401);
        String otherFleets = io.cascade.topology.trust.TrustRoot.loadOrInit(FABRIC.newDir("other-trust"))
                .issueOperatorToken("mallory", OperatorTokens.Role.PUBLISHER, Duration.ofHours(1));
        assertThat(publisher.post("/api/session", otherFleets, true).statusCode()).as("another fleet's credential").isEqualTo(401);

        HttpResponse<String> signIn = publisher.post("/api/session",
                FABRIC.operatorToken("alice", OperatorTokens.Role.PUBLISHER), true);
        assertThat(signIn.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(signIn.body()).path("canControl").asBoolean()).isTrue();
        assertThat(signIn.headers().firstValue("Set-Cookie")).hasValueSatisfying(c -> assertThat(c).contains("HttpOnly", "Secure", "SameSite=Strict"));

        // the fleet: 3 + 3 sites online
        await().atMost(Duration.ofSeconds(30)).until(() -> online(publisher.json("/api/rollup")) == 6);

        // sites a page at a time, and filtered
        JsonNode first = publisher.json("/api/sites?page_size=4");
        assertThat(first.path("sites")).hasSize(4);
        JsonNode second = publisher.json("/api/sites?page_size=4&page_token=" + first.path("nextPageToken").asText());
        assertThat(second.path("sites")).hasSize(2);
        assertThat(publisher.json("/api/sites?region=us").path("sites")).hasSize(3)
                .allSatisfy(s -> assertThat(s.path("status").path("region").asText()).isEqualTo("us"));
        assertThat(publisher.get("/api/sites?state=sleeping").statusCode()).isEqualTo(400);
        // search: the site id contains the text, ignoring case
        assertThat(publisher.json("/api/sites?q=EU-0001").path("sites").findValuesAsText("site"))
                .containsExactlyInAnyOrder("gw-eu-0001", "store-eu-0001");
        assertThat(publisher.get("/api/sites?q=" + "x".repeat(64)).statusCode()).isEqualTo(400);

        // live: one event stream, a rollout in waves with a soak, its wave moves without another request
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        try (Events stream = publisher.events(events)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> !events.isEmpty());
            // a first release goes everywhere at once; the next one in waves
            fleet.publish(Intents.app("shop", "1.0", Map.of(), List.of()).build());
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(e -> "STABLE".equals(state(e, "shop"))));
            RolloutPolicy waves = RolloutPolicy.newBuilder().addWaves(Wave.newBuilder().setPercent(50))
                    .addWaves(Wave.newBuilder().setPercent(100))
                    .setMinSoak(com.google.protobuf.util.Durations.fromSeconds(2)).build();
            long v2 = fleet.publish(Intents.app("shop", "2.0", Map.of(), List.of()).setRollout(waves).build()).getIntentRevision();
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream()
                    .anyMatch(e -> "ROLLING_OUT".equals(state(e, "shop")) && wave(e, "shop") == 50));
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(e -> "STABLE".equals(state(e, "shop"))
                    && app(e, "shop").path("stableIntentRevision").asLong() == v2));
            assertThat(publisher.json("/api/intents").path("intents").get(0).path("rollout").path("waves"))
                    .extracting(w -> w.path("percent").asInt()).containsExactly(50, 100);

            // a failing app: its sites and error text
            fleet.publish(Intents.app("broken", "1", Map.of(), List.of("eu")).build());
            await().atMost(Duration.ofSeconds(60)).until(() -> publisher.json("/api/sites?app=broken&state=failed")
                    .path("sites").size() == 3);
            JsonNode failed = publisher.json("/api/sites?app=broken&state=failed").path("sites").get(0).path("status");
            assertThat(failed.path("apps").findValuesAsText("message")).anySatisfy(m -> assertThat(m).isNotBlank());

            // pause: a read-only credential is refused, a publisher's pauses the rollout, and the stream shows it
            RolloutPolicy slow = RolloutPolicy.newBuilder().addWaves(Wave.newBuilder().setPercent(50))
                    .addWaves(Wave.newBuilder().setPercent(100))
                    .setMinSoak(com.google.protobuf.util.Durations.fromSeconds(600)).build();
            fleet.publish(Intents.app("shop", "3.0", Map.of(), List.of()).setRollout(slow).build());
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream().anyMatch(e -> "ROLLING_OUT".equals(state(e, "shop"))));

            Browser reader = new Browser();
            HttpResponse<String> readerIn = reader.post("/api/session", FABRIC.operatorToken("bob", OperatorTokens.Role.READ_ONLY), true);
            assertThat(JSON.readTree(readerIn.body()).path("canControl").asBoolean()).isFalse();
            assertThat(reader.json("/api/rollup").path("rollup").path("regions")).hasSize(2);
            HttpResponse<String> refused = reader.post("/api/rollouts/shop/pause", "", true);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(refused.body()).path("error").asText()).contains("publisher");

            assertThat(publisher.post("/api/rollouts/shop/pause", "", false).statusCode()).as("no request header").isEqualTo(403);
            assertThat(publisher.post("/api/rollouts/shop/pause", "", true).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> "PAUSED".equals(state(e, "shop"))));
            assertThat(publisher.post("/api/rollouts/nosuch/pause", "", true).statusCode()).isEqualTo(404);
        }

        assertThat(publisher.delete("/api/session").statusCode()).isEqualTo(200);
        assertThat(publisher.get("/api/rollup").statusCode()).as("signed out").isEqualTo(401);
    }

    static long online(JsonNode rollup) {
        long n = 0;
        for (JsonNode r : rollup.path("rollup").path("regions")) {
            n += r.path("sitesOnline").asLong();
        }
        return n;
    }

    static JsonNode app(JsonNode rollup, String app) {
        for (JsonNode a : rollup.path("apps")) {
            if (a.path("counts").path("app").asText().equals(app)) {
                return a;
            }
        }
        return null;
    }

    static int wave(JsonNode rollup, String app) {
        JsonNode a = app(rollup, app);
        return a == null ? -1 : a.path("wavePercent").asInt();
    }

    static String state(JsonNode rollup, String app) {
        JsonNode a = app(rollup, app);
        return a == null ? null : a.path("rolloutState").asText();
    }

    /** What a browser tab does: cookies kept, the fleet CA trusted, the dashboard's origin. */
    static final class Browser {
        final HttpClient http;
        final String base = "https://127.0.0.1:" + fleet.hub.dashboardPort().orElseThrow();

        Browser() throws Exception {
            http = Https.trusting(FABRIC.caFile());
        }

        HttpResponse<String> get(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }

        JsonNode json(String path) throws Exception {
            HttpResponse<String> r = get(path);
            assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
            return JSON.readTree(r.body());
        }

        HttpResponse<String> post(String path, String body, boolean header) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (header) {
                b.header("X-Cascade-Request", "1");
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        HttpResponse<String> delete(String path) throws Exception {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                    .DELETE().header("X-Cascade-Request", "1").build(), HttpResponse.BodyHandlers.ofString());
        }

        /** Opens the event stream; every {@code rollup} event's data lands in {@code into}. */
        Events events(List<JsonNode> into) throws Exception {
            HttpResponse<Stream<String>> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/events")).build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
            Stream<String> lines = r.body();
            Thread reader = Thread.ofVirtual().start(() -> {
                String[] event = {""};
                try {
                    lines.forEach(line -> {
                        if (line.startsWith("event: ")) {
                            event[0] = line.substring(7);
                        } else if (line.startsWith("data: ") && event[0].equals("rollup")) {
                            try {
                                into.add(JSON.readTree(line.substring(6)));
                            } catch (java.io.IOException e) {
                                throw new java.io.UncheckedIOException(e);
                            }
                        }
                    });
                } catch (RuntimeException closed) {
                    // the stream was closed by the test
                }
            });
            return () -> {
                lines.close();
                reader.interrupt();
            };
        }
    }

    interface Events extends AutoCloseable {
        @Override
        void close();
    }
}
