package io.cascade.bench.publish;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * How a publish run is shaped, validated once.
 *
 * @param clients    the concurrency levels, run in this order: at each, that many clients publish at once
 * @param publishes  publishes per level, shared out among its clients
 * @param apps       distinct apps the publishes of a level go round (publish {@code i} goes to app {@code i % apps})
 * @param warmup     publishes first, at the highest level's concurrency, not reported
 * @param sites      sites of the fleet file (none runs an edge; they only make the intents' target real)
 * @param padBytes   extra data in each intent's ConfigMap, so a publish carries a bundle of a realistic size
 * @param deadline   each PublishIntent call's gRPC deadline
 */
record PublishSettings(List<Integer> clients, int publishes, int apps, int warmup, int sites, int padBytes,
                       Duration deadline) {

    /** Apps are named {@code bench-app-0000...}: four digits. */
    static final int MAX_APPS = 10_000;
    /** The hub refuses bundles over 1 MiB; stay well under with the manifest around the pad. */
    static final int MAX_PAD_BYTES = 512 * 1024;

    PublishSettings {
        Objects.requireNonNull(deadline, "deadline");
        clients = List.copyOf(Objects.requireNonNull(clients, "clients"));
        if (clients.isEmpty() || clients.stream().anyMatch(c -> c < 1)) {
            throw new IllegalArgumentException("--clients must list concurrency levels of at least 1, got " + clients);
        }
        if (publishes < 1) {
            throw new IllegalArgumentException("--publishes must be at least 1, got " + publishes);
        }
        if (apps < 1 || apps > MAX_APPS) {
            throw new IllegalArgumentException("--apps must be between 1 and " + MAX_APPS + ", got " + apps);
        }
        if (warmup < 0) {
            throw new IllegalArgumentException("--warmup must be 0 or more, got " + warmup);
        }
        if (sites < 1) {
            throw new IllegalArgumentException("--sites must be at least 1, got " + sites);
        }
        if (padBytes < 0 || padBytes > MAX_PAD_BYTES) {
            throw new IllegalArgumentException("--pad-bytes must be between 0 and " + MAX_PAD_BYTES + ", got " + padBytes);
        }
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("--deadline must be positive, got " + deadline);
        }
    }

    /** The app names, {@code bench-app-0000} to {@code bench-app-<apps - 1>}. */
    List<String> appNames() {
        return IntStream.range(0, apps).mapToObj(i -> String.format("bench-app-%04d", i)).toList();
    }

    /** The warm-up's concurrency: the highest level's, so every path the levels take is compiled before them. */
    int warmupClients() {
        return clients.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }
}
