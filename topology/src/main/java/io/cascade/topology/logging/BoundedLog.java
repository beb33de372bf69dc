package io.cascade.topology.logging;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;

/**
 * Warnings about input a tier does not control (a misbehaving site's messages) at a bounded rate:
 * at most one line per cause per interval; the next line after a quiet stretch says how many like
 * it were left out. A site sending garbage in a loop cannot fill a disk. Causes are a small fixed
 * set chosen by the caller ("malformed status", "status for another site"), never per message.
 */
public final class BoundedLog {

    private final Consumer<String> sink;
    private final long intervalNanos;
    private final Duration interval;
    private final LongSupplier nanoTime;
    private final Map<String, Window> windows = new ConcurrentHashMap<>();

    private static final class Window {
        long openedAt;
        boolean open;
        long suppressed;
    }

    BoundedLog(Consumer<String> sink, Duration interval, LongSupplier nanoTime) {
        this.sink = sink;
        this.interval = interval;
        this.intervalNanos = interval.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Warnings to {@code log}, at most one per cause per {@code interval}. */
    public static BoundedLog warnings(Logger log, Duration interval) {
        return new BoundedLog(log::warn, interval, System::nanoTime);
    }

    /** Logs {@code message} unless a line of the same {@code cause} was logged within the interval (then counts it). */
    public void warn(String cause, String message) {
        Window w = windows.computeIfAbsent(cause, c -> new Window());
        String line;
        synchronized (w) {
            long now = nanoTime.getAsLong();
            if (w.open && now - w.openedAt < intervalNanos) {
                w.suppressed++;
                return;
            }
            line = w.suppressed > 0
                    ? message + " (" + w.suppressed + " more " + cause + " left out of the log in the " + interval.toSeconds() + " s before)"
                    : message;
            w.open = true;
            w.openedAt = now;
            w.suppressed = 0;
        }
        sink.accept(line);
    }
}
