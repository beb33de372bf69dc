/**
 * The first step down: an operator's {@link io.cascade.proto.Intent} is validated, stored in the hub's
 * KV bucket {@code intents} (key {@code <app>}, history kept: the audit trail and the rollback source)
 * and handed to the next step, {@link io.cascade.hub.intent.DesiredState}, which renders it into desired
 * docs.
 *
 * <p>{@link io.cascade.hub.intent.Intents} is the entry point; every failure it reports is an
 * {@link io.cascade.hub.intent.IntentException} whose {@link io.cascade.hub.intent.IntentException.Reason}
 * the gRPC boundary maps to a status code.
 */
package io.cascade.hub.intent;
