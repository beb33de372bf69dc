/**
 * Evaluation of a site's desired set: which apps the site runs, which release of each (stable or
 * candidate, by wave), with the site's overrides applied and a content hash that tells the
 * reconciler whether anything changed. Pure: no I/O, no clock, no randomness.
 */
package io.cascade.edge.desired;
