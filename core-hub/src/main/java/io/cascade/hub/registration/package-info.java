/**
 * How sites join without a hand-made creds file: bootstrap tokens ({@link io.cascade.hub.registration.BootstrapTokens},
 * KV {@code tokens}) scoped to a region and labels, expiring, with a use count.
 */
package io.cascade.hub.registration;
