package io.cascade.bench;

import io.cascade.topology.launch.LocalFabric;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time used so far by each nats-server of a fabric and by this JVM ({@code bench-jvm}), from the
 * kernel's per-process accounting (utime + stime, 10 ms ticks on Linux). Take one before and one after
 * a measurement and subtract.
 *
 * @param nanos CPU nanoseconds per process name ({@code hub}, {@code relay-<region>}, {@code bench-jvm})
 */
public record CpuTimes(Map<String, Long> nanos) {

    public static final String BENCH_JVM = "bench-jvm";

    public CpuTimes {
        nanos = Collections.unmodifiableMap(new LinkedHashMap<>(nanos));
    }

    public static CpuTimes of(LocalFabric fabric) {
        Map<String, Long> n = new LinkedHashMap<>();
        n.put("hub", cpuNanos(ProcessHandle.of(fabric.hub().pid()).orElse(null)));
        fabric.fleet().regions().forEach(r ->
                n.put("relay-" + r.name(), cpuNanos(ProcessHandle.of(fabric.relay(r.name()).pid()).orElse(null))));
        n.put(BENCH_JVM, cpuNanos(ProcessHandle.current()));
        return new CpuTimes(n);
    }

    /** Milliseconds of CPU each process used since {@code earlier} (0.1 ms steps), hub first, bench JVM last. */
    public Map<String, Double> millisSince(CpuTimes earlier) {
        Map<String, Double> ms = new LinkedHashMap<>();
        nanos.forEach((name, now) -> ms.put(name, Math.round((now - earlier.nanos.getOrDefault(name, 0L)) / 100_000.0) / 10.0));
        return ms;
    }

    /** Per process, the mean of {@code perRound} (each a {@link #millisSince} result), to 0.1 ms; first seen first. */
    public static Map<String, Double> meanMillis(List<Map<String, Double>> perRound) {
        Map<String, Double> mean = new LinkedHashMap<>();
        perRound.forEach(round -> round.forEach((name, ms) -> mean.merge(name, ms, Double::sum)));
        mean.replaceAll((name, sum) -> Math.round(sum / perRound.size() * 10) / 10.0);
        return mean;
    }

    private static long cpuNanos(ProcessHandle process) {
        if (process == null) {
            return 0;
        }
        return process.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    }
}
