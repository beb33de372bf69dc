package io.cascade.hub.intent;

/**
 * The outcome of a publish.
 *
 * @param revision  the intent revision now current for the app
 * @param unchanged true when the intent equalled the app's current one, so no new revision was written
 */
public record Publication(long revision, boolean unchanged) {}
