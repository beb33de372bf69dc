package io.cascade.topology.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The meter registry of one Cascade process, scraped through a {@link MetricsEndpoint} when the process serves one.
 * Every meter carries the process's {@code tier} (and its {@code region}, for relays and edges) as common tags; a
 * served registry is Prometheus's with the JVM's memory, GC, threads, CPU and uptime bound, an unserved one
 * records nothing (an empty composite: its meters are no-ops). The process's composition root opens it, hands
 * {@link #registry()} to each component's meter holder, and closes it last.
 */
public final class ProcessRegistry implements AutoCloseable {

    /** The tier a process belongs to; its lower-case name is the {@code tier} tag. */
    public enum Tier {
        HUB, RELAY, EDGE;

        String tag() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final MeterRegistry registry;
    /** Null without the JVM's meters, which a served registry has and only it. */
    private final JvmGcMetrics gc;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ProcessRegistry(MeterRegistry registry, JvmGcMetrics gc) {
        this.registry = registry;
        this.gc = gc;
    }

    /**
     * Opens the registry of a {@code tier} process.
     *
     * @param region the process's region for a relay or an edge; null for the hub, which has none
     * @throws IllegalArgumentException when the region is missing for a relay or edge, or given for the hub
     */
    private MetricsEndpoint endpoint;

    public static ProcessRegistry open(Tier tier, String region) {
        return open(tier, region, true);
    }

    /**
     * As {@link #open(Tier, String)}, for a process that serves its meters ({@code served}: {@code --metrics-port} given)
     * or not. Without an endpoint nobody reads them: they go to an empty {@link CompositeMeterRegistry}, whose meters
     * record nothing (neither Prometheus's registry, ~75 classes, nor the simple registry's meters and distribution
     * statistics, ~105 classes and 0.45 MB of a one-site edge, bench/README.md, are loaded), and the JVM's own meters
     * (memory, threads, GC, CPU, uptime: ~150 classes and a GC listener) are left out (an edge device).
     */
    public static ProcessRegistry open(Tier tier, String region, boolean served) {
        if (tier == Tier.HUB && region != null) {
            throw new IllegalArgumentException("the hub serves every region; its meters carry no region tag, got " + region);
        }
        if (tier != Tier.HUB && (region == null || region.isBlank())) {
            throw new IllegalArgumentException("a " + tier.tag() + "'s meters are tagged with its region; none given");
        }
        MeterRegistry registry = served ? MetricsEndpoint.newRegistry() : new CompositeMeterRegistry();
        Tags common = Tags.of("tier", tier.tag());
        registry.config().commonTags(region == null ? common : common.and("region", region));
        if (!served) {
            return new ProcessRegistry(registry, null);
        }
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(registry);
        return new ProcessRegistry(registry, gc);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text an endpoint would answer now (a registry opened to be served). */
    public String scrape() {
        return MetricsEndpoint.scrape(registry);
    }

    /**
     * Serves this registry on {@code http://host:port/metrics} until {@link #close()}; a null port
     * (the tiers' {@code --metrics-port} left out) serves nothing.
     */
    public synchronized void serve(String host, Integer port) throws java.io.IOException {
        if (port != null && endpoint == null) {
            if (gc == null) {
                throw new IllegalStateException("this registry was opened to serve nothing; open it with served = true");
            }
            endpoint = MetricsEndpoint.start(registry, host, port);
        }
    }

    /** Stops serving, stops the GC listener and closes the registry. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed.compareAndSet(false, true)) {
            if (endpoint != null) {
                endpoint.close();
            }
            if (gc != null) {
                gc.close();
            }
            registry.close();
        }
    }
}
