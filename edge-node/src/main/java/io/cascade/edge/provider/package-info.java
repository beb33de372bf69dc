/**
 * Where an edge applies its desired apps: the {@link io.cascade.edge.provider.Provider} SPI and
 * its three implementations, built from a one-line spec by
 * {@link io.cascade.edge.provider.Providers#fromSpec(String)}:
 *
 * <ul>
 *   <li>{@code sim[:latency=50ms,failure=0.2,seed=1,failApps=a|b]}: in memory, for benchmarks and
 *       tests; a {@link io.cascade.edge.provider.CountingProvider};
 *   <li>{@code dir:<path>}: files in a manifest directory such as k3s's
 *       {@code /var/lib/rancher/k3s/server/manifests}: {@code <dir>/<app>/<kind>_<namespace>_<name>.yaml}
 *       (or {@code <kind>_<name>.yaml}, or a File's own relative path), written atomically, state in
 *       {@code <dir>/.cascade/<app>.hash};
 *   <li>{@code k8s[:context=<name>]}: a cluster through its API server, server-side apply into
 *       {@code cascade-<app>} unless a resource names its namespace, pruned by the labels
 *       {@code app.kubernetes.io/managed-by=cascade,cascade.io/app=<app>}.
 * </ul>
 *
 * Only the SPI types, {@code Providers} and {@code CountingProvider} are public.
 */
package io.cascade.edge.provider;
