/**
 * The last step up: the regions' rollups become the hub's global rollup, and the operator's drill-down
 * goes through the relays.
 *
 * <ul>
 *   <li>{@link io.cascade.hub.rollup.Rollups}: one watch on KV {@code rollup} (key {@code <region>}, a
 *       {@link io.cascade.proto.RegionRollup} written by each relay) and one on the app docs of KV
 *       {@code desired}, merged into a {@link io.cascade.proto.GlobalRollup} per app with each region's
 *       health. The hub never sees per-site data here: a merge costs O(regions × apps).
 *   <li>{@link io.cascade.hub.rollup.SiteQuery}: ListSites, answered page by page by the relays on
 *       {@code cascade.query.<region>}.
 * </ul>
 *
 * Every failure is a {@link io.cascade.hub.rollup.RollupException} whose reason the gRPC boundary maps to
 * a status code.
 */
package io.cascade.hub.rollup;
