package io.cascade.relay.status;

import io.cascade.relay.fanout.DesiredView;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's upkeep, once a second on one named thread: when the desired view's app chain has
 * moved, the counts of the changed app docs are recomputed ({@link SiteRegistry#syncDesired}); then
 * sites silent past 3 heartbeats go offline ({@link SiteRegistry#sweep}). Nothing happens before the
 * view has loaded, so a restarted relay never counts against an empty set of docs.
 */
public final class SiteSweep implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SiteSweep.class);
    static final Duration PERIOD = Duration.ofSeconds(1);

    private final SiteRegistry sites;
    private final DesiredView view;
    private final BooleanSupplier viewLoaded;
    private final ScheduledExecutorService timer;
    private long appHeadSynced = -1;
    private boolean started;
    private boolean closed;

    /**
     * @param viewLoaded whether the view holds the initial load of the desired bucket (e.g.
     *                   {@code fanout::isLoaded})
     */
    public SiteSweep(SiteRegistry sites, DesiredView view, BooleanSupplier viewLoaded) {
        this.sites = sites;
        this.view = view;
        this.viewLoaded = viewLoaded;
        this.timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("status-sweep-" + sites.region()).daemon().factory());
    }

    public synchronized void start() {
        if (started || closed) {
            return;
        }
        started = true;
        timer.scheduleWithFixedDelay(this::tick, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick() {
        try {
            if (!viewLoaded.getAsBoolean()) {
                return;
            }
            long head = view.appHead();
            if (head != appHeadSynced) {
                sites.syncDesired(view.appDocs());
                appHeadSynced = head;
            }
            sites.sweep();
        } catch (RuntimeException e) {
            LOG.warn("region {}: status sweep failed, retrying in {}: {}", sites.region(), PERIOD, e.toString());
        }
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        timer.shutdown();
        if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
            timer.shutdownNow();
        }
    }
}
