package io.cascade.topology.client;

/**
 * Retries an attempt with backoff, 250 ms doubling to a cap, until it reports it is done: how the tiers resume a
 * KV watch while the store does not answer (a reconnect, a stream electing its leader).
 */
public final class Retry {

    /** One attempt, numbered from 1; true when nothing more is to be done (it worked, or the caller was closed). */
    @FunctionalInterface
    public interface Attempt {
        boolean run(int attempt) throws InterruptedException;
    }

    private Retry() {}

    /** Runs {@code attempt} until it returns true, sleeping 250 ms, 500 ms, ... up to {@code capMillis} between tries. */
    public static void untilDone(Attempt attempt, long capMillis) throws InterruptedException {
        long wait = 250;
        for (int n = 1; !attempt.run(n); n++) {
            Thread.sleep(wait);
            wait = Math.min(wait * 2, capMillis);
        }
    }
}
