/**
 * {@code cascade bench catchup}: what an edge that was offline costs when it comes back.
 *
 * <p>For each (K, M) combination, on a fresh {@link io.cascade.bench.fleet.BenchFleet} with one site
 * ({@code eu-site-0001}; the region {@code us} has a relay and no sites):
 * <ol>
 *   <li>M apps ({@code app-000 ...}) are published at {@code 1.0.0}; the edge starts (real
 *       {@link io.cascade.edge.EdgeHost}, RocksDB journal, simulated provider) and runs until its provider
 *       holds all M.</li>
 *   <li>The edge stops. K intents are published round-robin over the M apps, each a new version
 *       ({@code 2.0.1 ... 2.0.K}), through the hub's gRPC FleetService with a bounded number in flight
 *       ({@link io.cascade.bench.catchup.IntentBurst}). Each app's last version is the one whose response
 *       carries the highest intent revision, as the hub runs one app's publishes one at a time.</li>
 *   <li>The run waits until the region relay's view ({@code Relay.view()}) holds every app at that
 *       revision, so the catch-up measures the edge, not the mirror.</li>
 *   <li>The edge restarts on the same journal; its provider is the same simulated cluster (a cluster keeps
 *       running while its edge agent restarts) behind a fresh {@link io.cascade.bench.catchup.ApplyRecorder}.
 *       Measured: the time until the provider has applied every app's last revision, the restarted edge's
 *       sync counters ({@code EdgeNode.stats()}: syncs, entries, bytes), its connection's counters in the
 *       relay's nats-server {@code /connz}, CPU per process; after a settle time, the applies per app.</li>
 * </ol>
 * The goal of the issue: a catch-up sends no more docs than there are keys, and applies each app once.
 */
package io.cascade.bench.catchup;
