/**
 * The edge tier's meters: {@link io.cascade.edge.metrics.EdgeMetrics}, one holder per edge process
 * (never tagged by site), and the per-site {@link io.cascade.edge.metrics.DeltaLatency} clock.
 */
package io.cascade.edge.metrics;
