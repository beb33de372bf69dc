package io.cascade.edge.provider;

/**
 * A provider that counts its {@link Provider#apply} calls per app, for benchmarks and tests (the
 * simulated provider of {@link Providers#fromSpec} implements it).
 */
public interface CountingProvider {

    /** How many times {@code apply} was called for {@code app}, failed calls included. */
    int applyCount(String app);
}
