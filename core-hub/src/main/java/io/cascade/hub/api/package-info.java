/**
 * The hub's gRPC boundary: {@link io.cascade.hub.api.FleetApi} serves {@code cascade.v1.FleetService} and
 * maps every typed error to a status code in one place.
 */
package io.cascade.hub.api;
