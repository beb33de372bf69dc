package io.cascade.edge;

import io.cascade.edge.journal.JournalOptions;
import io.cascade.edge.journal.JournalStore;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.Provider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edge sites in one JVM (one site on a device; a region of the demo fleet; thousands in a
 * benchmark): one journal store shared through per-site namespaces, one timer thread, each site
 * its own provider, connection and virtual thread. Closes the sites, then the store.
 */
public final class EdgeHost implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeHost.class);

    /** Sites connecting at once when a host starts many. */
    static final int START_PARALLELISM = 64;

    private final JournalStore journals;
    private final ScheduledExecutorService timers;
    private final List<EdgeNode> edges;
    private final EdgeTuning tuning;
    private final EdgeMetrics metrics;

    private EdgeHost(JournalStore journals, ScheduledExecutorService timers, List<EdgeNode> edges, EdgeTuning tuning,
                     EdgeMetrics metrics) {
        this.journals = journals;
        this.timers = timers;
        this.edges = new java.util.concurrent.CopyOnWriteArrayList<>(edges);
        this.tuning = tuning;
        this.metrics = metrics;
    }

    /**
     * A host with no site yet (its journal store and timer open): sites join one by one with
     * {@link #add}, as sites that register while the host runs do.
     */
    public static EdgeHost open(EdgeTuning tuning, Path journalDir) throws IOException, InterruptedException {
        return start(List.of(), tuning, journalDir, site -> { throw new IllegalStateException("no sites yet"); });
    }

    /** Starts one more site on this host with {@code provider} (closed with the site). Thread-safe. */
    public EdgeNode add(EdgeConfig config, Provider provider) throws IOException, InterruptedException {
        EdgeNode node = EdgeNode.start(config, tuning, journals.site(config.site()), provider, timers, metrics);
        edges.add(node);
        return node;
    }

    /** {@link #start(List, EdgeTuning, Path, Function, EdgeMetrics)} with meters nobody scrapes (tests, benchmarks). */
    public static EdgeHost start(List<EdgeConfig> configs, EdgeTuning tuning, Path journalDir,
                                 Function<String, Provider> providers) throws IOException, InterruptedException {
        return start(configs, tuning, journalDir, providers, new EdgeMetrics(new SimpleMeterRegistry()));
    }

    /**
     * Opens the journal store in {@code journalDir} (a corrupt one is moved aside and the sites
     * resync in full) and starts every site, all recording into {@code metrics}; if one fails,
     * those started are closed again.
     */
    public static EdgeHost start(List<EdgeConfig> configs, EdgeTuning tuning, Path journalDir,
                                 Function<String, Provider> providers, EdgeMetrics metrics)
            throws IOException, InterruptedException {
        // one site (a device): RocksDB sized for one; many (cascade up, the benches): the shared defaults
        JournalStore journals = JournalStore.open(journalDir, JournalOptions.forSites(configs.size()));
        journals.recoveredFromCorruption().ifPresent(moved -> LOG.warn(
                "journal {} was unreadable and moved to {}; every site on it resyncs in full", journalDir, moved));
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("edge-timers").daemon().factory());
        EdgeNode[] started = new EdgeNode[configs.size()];
        Map<String, Provider> built = new HashMap<>();
        try {
            // the caller's factory is called in order on this thread; only connecting runs in parallel
            configs.forEach(c -> built.put(c.site(), providers.apply(c.site())));
            startAll(configs, started, c -> EdgeNode.start(c, tuning, journals.site(c.site()), built.get(c.site()),
                    timers, metrics));
        } catch (IOException | RuntimeException | InterruptedException e) {
            List<EdgeNode> running = Arrays.stream(started).filter(Objects::nonNull).toList();
            closeAll(running); // each closes its own provider
            running.forEach(node -> built.remove(node.config().site()));
            built.values().forEach(Provider::close);
            timers.shutdownNow();
            journals.close();
            throw e;
        }
        LOG.info("{} edge(s) running, journal {}", started.length, journalDir);
        return new EdgeHost(journals, timers, List.of(started), tuning, metrics);
    }

    private interface SiteStarter {
        EdgeNode start(EdgeConfig config) throws IOException, InterruptedException;
    }

    /**
     * Starts the sites {@value #START_PARALLELISM} at a time on virtual threads (connecting is a
     * network round trip or two; one by one, 10k sites take minutes), keeping their order; the first
     * failure is rethrown after every started site is in {@code started}.
     */
    private static void startAll(List<EdgeConfig> configs, EdgeNode[] started, SiteStarter starter)
            throws IOException, InterruptedException {
        if (configs.size() == 1) {
            started[0] = starter.start(configs.getFirst());
            return;
        }
        Semaphore permits = new Semaphore(START_PARALLELISM);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (ExecutorService starters = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < configs.size() && failure.get() == null; i++) {
                permits.acquire();
                int index = i;
                starters.execute(() -> {
                    try {
                        started[index] = starter.start(configs.get(index));
                    } catch (IOException | RuntimeException | InterruptedException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        switch (failure.get()) {
            case null -> { }
            case IOException e -> throw e;
            case InterruptedException e -> throw e;
            case RuntimeException e -> throw e;
            default -> throw new IllegalStateException(failure.get());
        }
    }

    public List<EdgeNode> edges() {
        return edges;
    }

    public JournalStore journals() {
        return journals;
    }

    @Override
    public void close() throws InterruptedException {
        closeAll(edges);
        timers.shutdownNow();
        journals.close();
    }

    /**
     * Closes every edge at once, each on its own virtual thread: jnats waits for a TLS connection's
     * reader to end when it closes (measured ~0.7 s per connection), which one after another made
     * closing 300 edges take minutes.
     */
    private static void closeAll(List<EdgeNode> edges) throws InterruptedException {
        try (var closing = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> done = new java.util.ArrayList<>();
            for (int i = edges.size() - 1; i >= 0; i--) {
                EdgeNode edge = edges.get(i);
                done.add(closing.submit(() -> {
                    edge.close();
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : done) {
                try {
                    f.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException("an edge failed to close: " + e.getCause(), e.getCause());
                }
            }
        }
    }
}
