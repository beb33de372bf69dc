package io.cascade.edge.provider;

import io.cascade.proto.AppState;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * A provider that applies nothing anywhere: it keeps each app's live state (content hash and
 * version) in memory, after a configurable latency, failing at a configurable rate. For benchmarks
 * and tests; every simulated edge gets its own instance.
 *
 * <p>Failures are deterministic: the n-th {@code apply} call of an instance fails when the n-th
 * {@link Random#nextDouble()} of {@code new Random(seed)} is below the failure rate (one draw per
 * call, whatever the app), and always for an app listed in {@code failApps}. A failed apply leaves
 * the app's previous live state in place and makes its status FAILED until the next successful
 * apply. Latency is spent on {@code apply} and {@code remove}, outside the lock.
 */
final class SimulatedProvider implements Provider, CountingProvider {

    /** How many log lines (one per apply or remove) the provider keeps per app. */
    static final int LOG_LINES = 1_000;

    /**
     * @param latency     time each apply and remove takes (zero or more)
     * @param failureRate probability that an apply fails, 0 to 1
     * @param seed        seed of the failure draws
     * @param failApps    apps whose every apply fails (not retryable)
     */
    record Settings(Duration latency, double failureRate, long seed, Set<String> failApps) {

        Settings {
            Objects.requireNonNull(latency, "latency");
            if (latency.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative, got " + latency);
            }
            if (!(failureRate >= 0 && failureRate <= 1)) {
                throw new IllegalArgumentException("failure rate must be between 0 and 1, got " + failureRate);
            }
            failApps = Set.copyOf(failApps);
        }

        static Settings instant(long seed) {
            return new Settings(Duration.ZERO, 0, seed, Set.of());
        }
    }

    /** Spends the simulated latency; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    private record Live(String contentHash, String version, long intentRevision) {}

    private final Settings settings;
    private final Sleeper sleeper;
    private final Random draws;
    private final Map<String, Live> live = new HashMap<>();
    private final Map<String, String> failures = new HashMap<>();
    private final Map<String, Integer> applyCounts = new HashMap<>();
    private final Map<String, Deque<String>> logs = new HashMap<>();

    SimulatedProvider(Settings settings, Sleeper sleeper) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.draws = new Random(settings.seed());
    }

    SimulatedProvider(Settings settings) {
        this(settings, Thread::sleep);
    }

    Settings settings() {
        return settings;
    }

    @Override
    public void apply(AppDesired desired) throws ProviderException {
        String app = desired.app();
        boolean drawnFailure;
        synchronized (this) {
            applyCounts.merge(app, 1, Integer::sum);
            drawnFailure = draws.nextDouble() < settings.failureRate();
        }
        spendLatency("apply " + app);
        String failure = null;
        boolean retryable = true;
        if (settings.failApps().contains(app)) {
            failure = "simulated failure: app " + app + " is configured to fail (failApps)";
            retryable = false;
        } else if (drawnFailure) {
            failure = "simulated failure of app " + app + " (failure rate " + settings.failureRate() + ")";
        }
        synchronized (this) {
            if (failure != null) {
                failures.put(app, failure);
                log(app, "apply revision " + desired.intentRevision() + " version " + desired.version() + ": " + failure);
            } else {
                failures.remove(app);
                live.put(app, new Live(desired.contentHash(), desired.version(), desired.intentRevision()));
                log(app, "applied revision " + desired.intentRevision() + " version " + desired.version()
                        + " content " + desired.contentHash() + " (" + desired.resources().size() + " resources)");
            }
        }
        if (failure != null) {
            throw new ProviderException(failure, retryable);
        }
    }

    @Override
    public void remove(String app) throws ProviderException {
        spendLatency("remove " + app);
        synchronized (this) {
            failures.remove(app);
            if (live.remove(app) != null) {
                log(app, "removed");
            }
        }
    }

    @Override
    public synchronized AppHealth status(String app) {
        String failure = failures.get(app);
        if (failure != null) {
            return new AppHealth(AppState.FAILED, failure);
        }
        return live.containsKey(app) ? AppHealth.ready() : AppHealth.absent();
    }

    @Override
    public synchronized Optional<String> appliedHash(String app) {
        return Optional.ofNullable(live.get(app)).map(Live::contentHash);
    }

    /** The version string of what is live for {@code app}, if anything. */
    synchronized Optional<String> liveVersion(String app) {
        return Optional.ofNullable(live.get(app)).map(Live::version);
    }

    /** One line per apply and remove of the app, newest last. */
    @Override
    public synchronized List<String> logs(String app, int tail) {
        Deque<String> lines = logs.getOrDefault(app, new ArrayDeque<>());
        List<String> all = new ArrayList<>(lines);
        return List.copyOf(all.subList(Math.max(0, all.size() - Math.max(0, tail)), all.size()));
    }

    @Override
    public synchronized int applyCount(String app) {
        return applyCounts.getOrDefault(app, 0);
    }

    private void spendLatency(String what) throws ProviderException {
        if (settings.latency().isZero()) {
            return;
        }
        try {
            sleeper.sleep(settings.latency());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProviderException("interrupted during simulated " + what, true, e);
        }
    }

    private void log(String app, String line) {
        Deque<String> lines = logs.computeIfAbsent(app, a -> new ArrayDeque<>());
        if (lines.size() == LOG_LINES) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    @Override
    public String toString() {
        return "sim:latency=" + settings.latency().toMillis() + "ms,failure=" + settings.failureRate()
                + ",seed=" + settings.seed() + (settings.failApps().isEmpty() ? "" : ",failApps=" + String.join("|", new TreeSet<>(settings.failApps())));
    }
}
