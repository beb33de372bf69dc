package io.cascade.topology.client;

import io.nats.client.Connection;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.ConnectionListener;
import io.nats.client.ErrorListener;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How every Cascade process connects to NATS: reconnect forever with jittered backoff (never a fixed
 * sleep: thousands of edges must not reconnect in lock-step), virtual threads for callbacks, and
 * buffers sized for many connections per JVM (one JVM holds ~10k edges at ~35 KB each).
 */
public final class NatsClients {

    private static final Logger LOG = LoggerFactory.getLogger(NatsClients.class);

    /** Callback, connect and listener threads shared by all connections of this JVM (virtual). */
    private static final ExecutorService CALLBACKS = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Timers (pings, reconnect waits, heartbeats) shared by all connections of this JVM. Without it
     * jnats gives every connection its own pool: measured by the raw fan-out bench, 5 platform
     * threads per connection and ~12 ms per connect, 13.6 s to connect 1k edges instead of 3.0 s.
     */
    private static final ScheduledExecutorService TIMERS = Executors.newScheduledThreadPool(2,
            Thread.ofPlatform().name("nats-timer-", 0).daemon().factory());

    static final Duration RECONNECT_WAIT = Duration.ofMillis(500);
    static final Duration RECONNECT_JITTER = Duration.ofSeconds(1);
    static final int BUFFER_SIZE = 4096;
    /**
     * Clients ping their server every 3 s (jnats' default is 2 min) and give the connection up after 2
     * unanswered, so a tier behind a dead link (no close, as in a partition) notices within ~9 s, logs it
     * and reconnects; the servers ping idle clients too (NatsServerConfig.PING_INTERVAL).
     */
    static final Duration PING_INTERVAL = Duration.ofSeconds(3);
    static final int MAX_PINGS_OUT = 2;

    private NatsClients() {}

    /** Options for a connection named {@code name} to {@code url}, with a listener that logs state changes. */
    public static Options.Builder options(String name, String url) {
        return Options.builder()
                .server(url)
                .connectionName(name)
                .maxReconnects(-1)
                .reconnectWait(RECONNECT_WAIT)
                .reconnectJitter(RECONNECT_JITTER)
                .connectionTimeout(Duration.ofSeconds(5))
                .pingInterval(PING_INTERVAL)
                .maxPingsOut(MAX_PINGS_OUT)
                .bufferSize(BUFFER_SIZE)
                .executor(CALLBACKS)
                .callbackExecutor(CALLBACKS)
                .connectExecutor(CALLBACKS)
                .scheduledExecutor(TIMERS)
                .connectionListener(logging(name))
                .errorListener(new ErrorListener() {});
    }

    /**
     * {@link #options(String, String)} for the user {@code credentials}: it authenticates with its
     * JWT and nkey on every (re)connect and receives replies under the inbox prefix its JWT allows.
     */
    public static Options.Builder options(String name, String url, UserCredentials credentials) {
        Options.Builder b = options(name, url).authHandler(credentials.authHandler()).inboxPrefix(credentials.inboxPrefix());
        if (url.startsWith("tls://")) {
            if (credentials.caPem().isEmpty()) {
                throw new IllegalArgumentException(url + " speaks TLS, but the credentials of " + credentials.name()
                        + " carry no fleet CA to check it with: issue them again with `cascade trust`");
            }
            b.sslContext(FleetTls.trusting(credentials.caPem()));
        }
        return b;
    }

    /** {@link #options(String, String, UserCredentials)} when there are credentials, else anonymous. */
    public static Options.Builder options(String name, String url, Optional<UserCredentials> credentials) {
        return credentials.map(c -> options(name, url, c)).orElseGet(() -> options(name, url));
    }

    /**
     * Connects, retrying with jittered backoff until the server answers (a tier may start before
     * its nats-server); the connection then reconnects by itself.
     */
    public static Connection connect(Options options) throws IOException, InterruptedException {
        return Nats.connectReconnectOnConnect(options);
    }

    private static ConnectionListener logging(String name) {
        return (conn, event) -> {
            switch (event) {
                case CONNECTED, RECONNECTED -> LOG.info("{}: {} to {}", name, event, conn.getConnectedUrl());
                case DISCONNECTED, CLOSED -> LOG.info("{}: {}", name, event);
                default -> LOG.debug("{}: {}", name, event);
            }
        };
    }
}
