package io.cascade.bench.rollup;

import com.google.protobuf.Timestamp;
import io.cascade.bench.ParallelConnections;
import io.cascade.proto.SiteStatus;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The flat baseline's edges: one plain NATS connection per site straight to the hub's nats-server,
 * no relay in the path. Each sends what a real edge sends its relay, on
 * {@code cascade.status.<region>.<site>}: its full report once (at a random moment of the first
 * heartbeat period, as edges report after applying), then a heartbeat every period ±20 %, each with a
 * fresh {@code reported_at}. Plain publishes: the flat hub takes them without acknowledging.
 */
final class FlatEdges implements AutoCloseable {

    /** Connection names: {@code bench-flat-edge-<site>}, one group in the hub's {@code /connz}. */
    static final String NAME_PREFIX = "bench-flat-edge-";
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /**
     * One site's messages, as captured from its real edge.
     *
     * @param name      site id
     * @param region    its region
     * @param full      its full report (one app)
     * @param heartbeat its heartbeat
     */
    record Site(String name, String region, SiteStatus full, SiteStatus heartbeat) {}

    private final List<Site> sites;
    private final Duration heartbeat;
    private final ParallelConnections connections;
    private final AtomicLongArray sent;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bench-flat-edges").daemon().factory());
    private volatile boolean stopped;

    private FlatEdges(List<Site> sites, Duration heartbeat) {
        this.sites = List.copyOf(sites);
        this.heartbeat = heartbeat;
        this.connections = new ParallelConnections(sites.size());
        this.sent = new AtomicLongArray(sites.size());
    }

    /** Connects one connection per site to {@code hubUrl}, {@code parallelism} at a time; nothing is sent yet. */
    static FlatEdges open(String hubUrl, List<Site> sites, Duration heartbeat, int parallelism, Duration timeout,
                          UserCredentials credentials) throws InterruptedException {
        FlatEdges edges = new FlatEdges(sites, heartbeat);
        try {
            edges.connections.open(parallelism, timeout,
                    i -> NatsClients.connect(edges.connections.options(NAME_PREFIX + edges.sites.get(i).name(), hubUrl, java.util.Optional.of(credentials)).build()),
                    i -> "flat edge " + edges.sites.get(i).name() + " to " + hubUrl);
            return edges;
        } catch (RuntimeException | InterruptedException e) {
            edges.timer.shutdownNow();
            throw e;
        }
    }

    /** Starts every site's reports: the full one within the first period, then heartbeats. */
    void start() {
        long period = heartbeat.toMillis();
        for (int i = 0; i < sites.size(); i++) {
            int site = i;
            timer.schedule(() -> send(site, true), ThreadLocalRandom.current().nextLong(period), TimeUnit.MILLISECONDS);
        }
    }

    private void send(int i, boolean full) {
        if (stopped) {
            return;
        }
        Site s = sites.get(i);
        Instant now = Instant.now();
        byte[] report = (full ? s.full() : s.heartbeat()).toBuilder()
                .setReportedAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .build().toByteArray();
        Connection c = connections.get(i);
        if (c != null) {
            c.publish(Subjects.status(s.region(), s.name()), report);
            sent.incrementAndGet(i);
        }
        long base = heartbeat.toMillis();
        long next = Math.max(1, (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble())));
        timer.schedule(() -> send(i, false), next, TimeUnit.MILLISECONDS);
    }

    /** Stops sending and pushes out what the connections still buffer. */
    void stop() throws InterruptedException {
        stopped = true;
        timer.shutdownNow();
        timer.awaitTermination(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        for (int i = 0; i < connections.count(); i++) {
            Connection c = connections.get(i);
            if (c != null) {
                try {
                    c.flushBuffer();
                } catch (IOException e) {
                    // counted as missing by the hub's subscriber, if anything was lost
                }
            }
        }
    }

    Site site(int i) {
        return sites.get(i);
    }

    int count() {
        return sites.size();
    }

    /** Reports site {@code i} published so far. */
    long sent(int i) {
        return sent.get(i);
    }

    long sentTotal() {
        long n = 0;
        for (int i = 0; i < sent.length(); i++) {
            n += sent.get(i);
        }
        return n;
    }

    /** Connection losses seen so far. */
    int disconnects() {
        return connections.disconnects();
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        timer.shutdownNow();
        connections.close();
    }
}
