/**
 * The second step down: a stored intent becomes desired docs in the hub's KV bucket {@code desired}, which
 * each relay mirrors (filtered to its region) and turns into live deltas for its edges.
 *
 * <ul>
 *   <li>{@code <region>.app.<app>}: a {@link io.cascade.proto.DesiredDoc} for each targeted region, carrying
 *       the target, the stable release and, while a rollout runs, the candidate release and current wave.
 *   <li>{@code <region>.site.<site>.<app>}: a {@link io.cascade.proto.SiteOverrideDoc} for each site the
 *       intent has an override for.
 * </ul>
 *
 * Cost per publish is O(targeted regions + overridden sites), never O(sites): docs are per region, not
 * per site. Removed docs are KV deletes, whose tombstones the relays' mirrors carry down.
 */
package io.cascade.hub.desired;
