package io.cascade.bench.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cascade.bench.fleet.Applies;
import io.cascade.bench.fleet.BenchFleet;
import io.cascade.bench.fleet.BenchIntents;
import io.cascade.edge.EdgeTuning;
import io.cascade.edge.provider.Providers;
import io.cascade.proto.PublishIntentRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Loads the dashboard the way its page does (an HTTP client, the page's requests in the page's order) on a fleet of
 * simulated sites, cold once and then {@code loads} times warm; then rolls an app out to every site while the page's
 * event stream is open and measures, per site, the time from its apply to the first event counting it ready (the n-th
 * apply against the first event counting n sites: the counts only say how many, not which).
 */
final class DashboardBench {

    static final String APP = "dashboard";
    static final Duration WAIT = Duration.ofSeconds(300);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final BenchFleet fleet;
    private final int loads;
    private final HttpClient http;
    private final String base;
    private final String token;
    private final Applies applies = new Applies(APP);

    DashboardBench(BenchFleet fleet, int loads) throws Exception {
        this.fleet = fleet;
        this.loads = loads;
        this.http = trusting(fleet.fabric().trust().caCertFile());
        this.base = "https://127.0.0.1:" + fleet.hub().dashboardPort().orElseThrow();
        this.token = BenchFleet.operatorToken(fleet.fabric());
    }

    DashboardReport run(String startedAt) throws Exception {
        int sites = fleet.startEdges(EdgeTuning.DEFAULTS, site -> applies.recording(site, Providers.fromSpec("sim"))).size();
        long v1 = publish("1.0.0");
        await("every site applies 1.0.0 and the hub counts it", () -> fleet.readyAt(APP, v1) == sites);

        List<DashboardReport.Step> cold = pageLoad();
        List<List<DashboardReport.Step>> warmLoads = new ArrayList<>();
        for (int i = 0; i < loads; i++) {
            warmLoads.add(pageLoad());
        }
        List<DashboardReport.Step> warm = new ArrayList<>();
        for (int s = 0; s < cold.size(); s++) {
            int step = s;
            double[] ms = warmLoads.stream().mapToDouble(l -> l.get(step).ms()).sorted().toArray();
            warm.add(new DashboardReport.Step(cold.get(s).request(), ms[ms.length / 2]));
        }
        int rollupBytes = firstEvent().length();
        int sitesBytes = get("/api/sites?page_size=50").body().length();

        // live: the page's stream open through a rollout to every site
        List<long[]> events = new CopyOnWriteArrayList<>(); // [nanoTime, ready at v2]
        long[] target = {-1};
        List<String> raw = new CopyOnWriteArrayList<>();
        HttpResponse<Stream<String>> stream = http.send(request("/api/events").build(), HttpResponse.BodyHandlers.ofLines());
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                Iterator<String> lines = stream.body().iterator();
                String event = "";
                while (lines.hasNext()) {
                    String line = lines.next();
                    if (line.startsWith("event: ")) {
                        event = line.substring(7);
                    } else if (line.startsWith("data: ") && event.equals("rollup")) {
                        long at = System.nanoTime();
                        raw.add(line);
                        events.add(new long[] {at, target[0] < 0 ? 0 : ready(JSON.readTree(line.substring(6)), target[0])});
                    }
                }
            } catch (Exception closed) {
                // the stream was closed when the run ended
            }
        });
        long v2;
        try {
            v2 = publish("2.0.0");
            target[0] = v2;
            await("every site applies 2.0.0", () -> applies.at(v2) == sites);
            await("the page's stream counts every site ready at 2.0.0",
                    () -> !events.isEmpty() && events.getLast()[1] == sites || readyInLastEvent(raw, v2) == sites);
        } finally {
            stream.body().close();
            reader.interrupt();
        }
        // recount with the revision known for every event (the first ones may have arrived before publish returned)
        List<long[]> counted = new ArrayList<>();
        for (int i = 0; i < raw.size() && i < events.size(); i++) {
            counted.add(new long[] {events.get(i)[0], ready(JSON.readTree(raw.get(i).substring(6)), v2)});
        }
        long[] applied = applies.latest().values().stream().filter(a -> a[0] == v2).mapToLong(a -> a[1]).sorted().toArray();
        long[] lags = new long[applied.length];
        int e = 0;
        for (int n = 1; n <= applied.length; n++) {
            while (e < counted.size() && counted.get(e)[1] < n) {
                e++;
            }
            lags[n - 1] = e < counted.size() ? Math.max(0, counted.get(e)[0] - applied[n - 1]) : Long.MAX_VALUE;
        }
        Arrays.sort(lags);
        long last = counted.isEmpty() ? 0 : counted.getLast()[1];
        return new DashboardReport(DashboardReport.SCENARIO, startedAt, fleet.machine(), sites, cold, warm, loads, rollupBytes,
                sitesBytes, ms(lags[lags.length / 2]), ms(lags[(int) Math.min(lags.length - 1, Math.ceil(lags.length * 0.99) - 1)]),
                ms(lags[lags.length - 1]), counted.size(), last);
    }

    /** The page's requests in its order: the HTML, script and style together, session, intents, sites, the stream's first event. */
    private List<DashboardReport.Step> pageLoad() throws Exception {
        List<DashboardReport.Step> steps = new ArrayList<>();
        steps.add(timed("GET / (the HTML)", () -> get("/")));
        steps.add(timed("GET /app.js and /app.css (in parallel)", () -> {
            CompletableFuture<HttpResponse<String>> js = http.sendAsync(request("/app.js").build(), HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> css = http.sendAsync(request("/app.css").build(), HttpResponse.BodyHandlers.ofString());
            CompletableFuture.allOf(js, css).get(30, TimeUnit.SECONDS);
            check(js.get());
            return check(css.get());
        }));
        steps.add(timed("GET /api/session", () -> get("/api/session")));
        steps.add(timed("GET /api/intents", () -> get("/api/intents?page_size=1000")));
        steps.add(timed("GET /api/sites (first 50)", () -> get("/api/sites?page_size=50&page_token=")));
        steps.add(timed("GET /api/events to its first rollup", () -> {
            firstEvent();
            return null;
        }));
        return steps;
    }

    /** Opens the event stream, reads its first rollup event, closes it; returns the event's data. */
    private String firstEvent() throws Exception {
        HttpResponse<Stream<String>> r = http.send(request("/api/events").build(), HttpResponse.BodyHandlers.ofLines());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("GET /api/events: " + r.statusCode());
        }
        try (Stream<String> lines = r.body()) {
            Iterator<String> it = lines.iterator();
            String event = "";
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ") && event.equals("rollup")) {
                    return line.substring(6);
                }
            }
        }
        throw new IllegalStateException("the event stream ended before its first rollup");
    }

    private interface Request {
        Object send() throws Exception;
    }

    private static DashboardReport.Step timed(String what, Request r) throws Exception {
        long t0 = System.nanoTime();
        r.send();
        return new DashboardReport.Step(what, (System.nanoTime() - t0) / 1e6);
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return check(http.send(request(path).build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static HttpResponse<String> check(HttpResponse<String> r) {
        if (r.statusCode() != 200) {
            throw new IllegalStateException(r.request().uri() + ": " + r.statusCode() + " " + r.body());
        }
        return r;
    }

    private static long ready(JsonNode rollup, long revision) {
        long n = 0;
        for (JsonNode a : rollup.path("apps")) {
            if (a.path("counts").path("app").asText().equals(APP)) {
                for (JsonNode r : a.path("counts").path("revisions")) {
                    if (r.path("intentRevision").asLong() == revision) {
                        n += r.path("ready").asLong();
                    }
                }
            }
        }
        return n;
    }

    private static long readyInLastEvent(List<String> raw, long revision) {
        if (raw.isEmpty()) {
            return -1;
        }
        try {
            return ready(JSON.readTree(raw.getLast().substring(6)), revision);
        } catch (Exception e) {
            return -1;
        }
    }

    private long publish(String version) {
        return fleet.fleetService().withDeadlineAfter(60, TimeUnit.SECONDS)
                .publishIntent(PublishIntentRequest.newBuilder().setIntent(BenchIntents.app(APP, version, 0)).build())
                .getIntentRevision();
    }

    private static void await(String what, BooleanSupplier done) throws InterruptedException {
        Applies.await("dashboard", what, done, WAIT);
    }

    private static long ms(long nanos) {
        return nanos == Long.MAX_VALUE ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /** An HTTP client trusting the fleet CA only, as a browser that was told to trust it. */
    private static HttpClient trusting(Path caFile) {
        return HttpClient.newBuilder().sslContext(io.cascade.topology.client.FleetHttps.trusting(caFile))
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
