/**
 * A process's meters and their Prometheus endpoint, shared by every tier: {@link
 * io.cascade.topology.metrics.ProcessRegistry} (common tags, JVM meters) and {@link
 * io.cascade.topology.metrics.MetricsEndpoint} ({@code GET /metrics}). Each tier's meters live in its
 * own holder, built from the registry its composition root passes in.
 */
package io.cascade.topology.metrics;
