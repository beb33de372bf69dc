package io.cascade.edge;

import io.cascade.edge.journal.JournalStore;
import io.cascade.edge.metrics.EdgeMetrics;
import io.cascade.edge.provider.Provider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
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

    private final JournalStore journals;
    private final ScheduledExecutorService timers;
    private final List<EdgeNode> edges;

    private EdgeHost(JournalStore journals, ScheduledExecutorService timers, List<EdgeNode> edges) {
        this.journals = journals;
        this.timers = timers;
        this.edges = edges;
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
        JournalStore journals = JournalStore.open(journalDir);
        journals.recoveredFromCorruption().ifPresent(moved -> LOG.warn(
                "journal {} was unreadable and moved to {}; every site on it resyncs in full", journalDir, moved));
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("edge-timers").daemon().factory());
        List<EdgeNode> started = new ArrayList<>(configs.size());
        try {
            for (EdgeConfig c : configs) {
                started.add(EdgeNode.start(c, tuning, journals.site(c.site()), providers.apply(c.site()), timers, metrics));
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            closeAll(started);
            timers.shutdownNow();
            journals.close();
            throw e;
        }
        LOG.info("{} edge(s) running, journal {}", started.size(), journalDir);
        return new EdgeHost(journals, timers, List.copyOf(started));
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

    private static void closeAll(List<EdgeNode> edges) throws InterruptedException {
        for (int i = edges.size() - 1; i >= 0; i--) {
            edges.get(i).close();
        }
    }
}
