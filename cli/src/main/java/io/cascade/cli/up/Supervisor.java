package io.cascade.cli.up;

import io.cascade.topology.launch.TierProcess;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Keeps the tier processes of {@code cascade up} running: one that exits while the fleet runs is reported (its
 * exit status, how long it ran, the end of its log) and started again after a backoff, 1 s doubling to 30 s,
 * jittered, back to 1 s once a run lasted 60 s. The report waits {@link #SETTLE} so that a Ctrl-C, which stops the
 * children too, is not reported as a crash; nothing is reported or restarted once the fleet is stopping.
 */
final class Supervisor implements AutoCloseable {

    static final Duration SETTLE = Duration.ofMillis(300);
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofSeconds(30);
    static final Duration HEALTHY = Duration.ofSeconds(60);
    static final int LOG_LINES = 10;

    private final PrintStream out;
    private final Object lock;
    private final BooleanSupplier stopping;
    private final Map<String, Integer> failures = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("up-supervisor").daemon().factory());

    /**
     * @param lock     held while a process is restarted; the fleet's stop holds it too, so a restart never races it
     * @param stopping whether the fleet is stopping (read under {@code lock})
     */
    Supervisor(PrintStream out, Object lock, BooleanSupplier stopping) {
        this.out = out;
        this.lock = lock;
        this.stopping = stopping;
    }

    /** Watches {@code tier}'s current process. */
    void watch(TierProcess tier) {
        long started = System.nanoTime();
        tier.onExit().thenAccept(status -> timer.schedule(() -> exited(tier, status, System.nanoTime() - started),
                SETTLE.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void exited(TierProcess tier, int status, long ranNanos) {
        if (stopping.getAsBoolean()) {
            return;
        }
        int failure = ranNanos >= HEALTHY.toNanos() ? 1 : failures.merge(tier.name(), 1, Integer::sum);
        failures.put(tier.name(), failure);
        long wait = backoffMillis(failure);
        out.printf("%s (pid %d) exited with status %d%s after %.1f s; %s ends with:%n%s%nrestarting %s in %.1f s (restart %d)%n",
                tier.name(), tier.pid(), status, status > 128 ? " (signal " + (status - 128) + ")" : "", ranNanos / 1e9,
                tier.log(), tier.logTail(LOG_LINES).indent(4).stripTrailing(), tier.name(), wait / 1e3, tier.restarts() + 1);
        timer.schedule(() -> restart(tier), wait, TimeUnit.MILLISECONDS);
    }

    private void restart(TierProcess tier) {
        synchronized (lock) {
            if (stopping.getAsBoolean()) {
                return;
            }
            try {
                tier.restart();
            } catch (RuntimeException e) {
                out.printf("%s could not be restarted: %s; trying again%n", tier.name(), e.getMessage());
                timer.schedule(() -> restart(tier), MAX.toMillis(), TimeUnit.MILLISECONDS);
                return;
            }
        }
        out.printf("%s restarted (pid %d)%n", tier.name(), tier.pid());
        watch(tier);
    }

    static long backoffMillis(int failure) {
        long base = Math.min(MAX.toMillis(), FIRST.toMillis() << Math.min(failure - 1, 10));
        return (long) (base * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
