package io.cascade.edge.provider;

import java.util.List;
import java.util.Optional;

/**
 * Where an edge applies its desired apps (seed: Virtual Kubelet's provider interface). The
 * reconciler calls it from one thread per site; implementations must be idempotent: applying the
 * same {@link AppDesired} twice leaves the same result.
 */
public interface Provider extends AutoCloseable {

    /** Makes the app's live state equal {@code desired}: creates, updates, and prunes what left the bundle. */
    void apply(AppDesired desired) throws ProviderException;

    /** Removes everything the provider holds for {@code app}; a no-op when there is nothing. */
    void remove(String app) throws ProviderException;

    /** The app's live health; {@link AppHealth#absent()} when the provider holds nothing for it. */
    AppHealth status(String app) throws ProviderException;

    /**
     * The content hash ({@link AppDesired#contentHash()}) of what is live for {@code app}, if the
     * provider can tell; used after a crash to learn whether an apply that was under way landed.
     */
    Optional<String> appliedHash(String app) throws ProviderException;

    /** The last {@code tail} log lines of the app, where the provider has logs; else empty. */
    List<String> logs(String app, int tail) throws ProviderException;

    @Override
    default void close() {}
}
