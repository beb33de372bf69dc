package io.cascade.bench;

/** How many edges (NATS connections) one bench JVM may hold, checked the same way by every scenario. */
public final class Edges {

    /** One JVM holds about 10k NATS connections under the 20,000 open-file cap. */
    public static final int MAX_PER_JVM = 10_000;

    private Edges() {}

    /**
     * {@code edges} if it is within 1..{@value #MAX_PER_JVM}.
     *
     * @throws IllegalArgumentException naming {@code --edges}, the bounds and the value
     */
    public static int require(int edges) {
        if (edges < 1 || edges > MAX_PER_JVM) {
            throw new IllegalArgumentException("--edges must be between 1 and " + MAX_PER_JVM + ", got " + edges);
        }
        return edges;
    }
}
