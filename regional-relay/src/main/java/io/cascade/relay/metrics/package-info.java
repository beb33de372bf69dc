/**
 * The relay tier's meters: {@link io.cascade.relay.metrics.RelayMetrics}, one holder per relay
 * process, built from the registry the composition root passes in.
 */
package io.cascade.relay.metrics;
