package io.cascade.cli.e2e;

import io.cascade.topology.client.FleetHttps;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;

/** An HTTP client as a browser that trusts the fleet CA would be: cookies kept, only that CA trusted. */
public final class Https {

    private Https() {
    }

    public static HttpClient trusting(Path caFile) {
        return HttpClient.newBuilder().sslContext(FleetHttps.trusting(caFile)).cookieHandler(new CookieManager())
                .connectTimeout(Duration.ofSeconds(10)).build();
    }
}
