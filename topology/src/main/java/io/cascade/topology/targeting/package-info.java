/**
 * Targeting: which sites an intent reaches and when.
 *
 * <p>{@link io.cascade.topology.targeting.LabelSelector} follows Kubernetes label-selector semantics
 * ({@code matchLabels}, {@code matchExpressions} with {@code In}, {@code NotIn}, {@code Exists},
 * {@code DoesNotExist}) and parses the kubectl string syntax; {@link io.cascade.topology.targeting.Target}
 * adds the region list; {@link io.cascade.topology.targeting.Waves} places each (site, app) pair at a fixed
 * point of a rollout so that hub, relay and edge agree on wave membership without exchanging messages.
 * {@link io.cascade.topology.targeting.Labels} holds the Kubernetes rules for label keys and values.
 */
package io.cascade.topology.targeting;
