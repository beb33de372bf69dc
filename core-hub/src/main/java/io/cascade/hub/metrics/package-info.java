/**
 * The hub tier's meters: {@link io.cascade.hub.metrics.HubMetrics}, one holder per hub process,
 * built from the registry the composition root passes in.
 */
package io.cascade.hub.metrics;
