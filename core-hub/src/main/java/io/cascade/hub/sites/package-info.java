/**
 * The hub's live site set (KV {@code sites}): which sites the fleet has, in which region, with
 * which labels; seeded from the fleet file, changed by operators (removal) and, later, by
 * registration. Intent validation reads it instead of the fleet file.
 */
package io.cascade.hub.sites;
