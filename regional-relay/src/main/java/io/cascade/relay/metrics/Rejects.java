package io.cascade.relay.metrics;

import io.cascade.topology.logging.BoundedLog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * What one intake of the relay (status, sync, query) refuses from the sites and the hub: each
 * refusal is counted per cause ({@code cascade.relay.rejected{intake, cause}}) and logged at most
 * once per cause per {@link #LOG_INTERVAL}, with the count of those left out. A device sending
 * garbage in a loop is visible in the metrics and cannot fill a disk with log lines.
 *
 * <p>Causes are a small fixed set named by the intake ("malformed", "another site"), never per
 * message. Thread-safe.
 */
public final class Rejects {

    /** How often each cause of one intake may write a line. */
    public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final String intake;
    private final BoundedLog log;
    private final Map<String, Counter> byCause = new ConcurrentHashMap<>();
    private final AtomicLong total = new AtomicLong();

    Rejects(MeterRegistry registry, String intake, Logger logger) {
        this.registry = registry;
        this.intake = intake;
        this.log = BoundedLog.warnings(logger, LOG_INTERVAL);
    }

    /** Counts a refusal of {@code cause} and logs {@code message} unless this cause logged within the interval. */
    public void reject(String cause, String message) {
        total.incrementAndGet();
        byCause.computeIfAbsent(cause, c -> Counter.builder("cascade.relay.rejected")
                .description("Messages a relay intake refused, by intake and cause (malformed, naming another site, ...)")
                .tags("intake", intake, "cause", c).register(registry)).increment();
        log.warn(intake + " " + cause, message);
    }

    /** Refusals of every cause so far. */
    public long total() {
        return total.get();
    }

    /** Refusals of {@code cause} so far. */
    public long count(String cause) {
        Counter c = byCause.get(cause);
        return c == null ? 0 : (long) c.count();
    }
}
