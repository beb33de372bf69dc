package io.cascade.bench.failover;

import java.util.List;

/**
 * What {@code bench failover} runs.
 *
 * @param edges   simulated sites, split over regions eu and us, each site its own connection to its region
 * @param waves   waves of each rollout (equal steps up to 100 %)
 * @param kills   the failures, one per rollout, in this order
 * @param killAt  the wave (percent) a rollout must have reached when its failure is injected
 * @param cutMs   how long {@link Kill#LEAF_CUT} holds eu's leaf links cut, in milliseconds
 */
record FailoverSettings(int edges, int waves, List<Kill> kills, int killAt, long cutMs) {

    /** A failure the bench injects. */
    enum Kill {
        /** kill -9 of the hub nats-server that is the JetStream meta leader. */
        META_LEADER("meta-leader", "the hub's JetStream meta leader (a hub nats-server)"),
        /** kill -9 of the hub service holding the rollout-driver lease (a {@code cascade hub} process of 2). */
        HUB_SERVICE("hub-service", "the hub service driving the rollout (one of 2 `cascade hub` processes)"),
        /** kill -9 of the eu relay nats-server that leads the region's status bucket. */
        RELAY_SERVER("relay-server", "the eu relay nats-server leading the region's status bucket", true),
        /** kill -9 of the eu relay service holding the rollup-publisher lease (a {@code cascade relay} process of 2). */
        RELAY_SERVICE("relay-service", "the eu relay service sending the region's rollup (one of 2 `cascade relay` processes)", true),
        /** Every leaf link of eu cut (a proxy per link drops its connections and refuses new ones), restored after the cut. */
        LEAF_CUT("leaf-cut", "every leaf link of eu cut for the cut's length (times from the links' return)", true);

        final String flag;
        final String what;
        /** Whether the failure is in region eu (status is then eu's rollup as the hub's bucket holds it). */
        final boolean inRegion;

        Kill(String flag, String what) {
            this(flag, what, false);
        }

        Kill(String flag, String what, boolean inRegion) {
            this.flag = flag;
            this.what = what;
            this.inRegion = inRegion;
        }

        static Kill parse(String flag) {
            for (Kill k : values()) {
                if (k.flag.equals(flag)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("--kills: unknown failure \"" + flag + "\"; known: "
                    + java.util.Arrays.stream(values()).map(k -> k.flag).toList());
        }
    }

    FailoverSettings {
        if (edges < 10) {
            throw new IllegalArgumentException("--edges must be at least 10, got " + edges);
        }
        if (waves < 3 || waves > 20) {
            throw new IllegalArgumentException("--waves must be 3 to 20, got " + waves);
        }
        if (kills.isEmpty()) {
            throw new IllegalArgumentException("--kills names no failure");
        }
        if (killAt <= 0 || killAt >= 100) {
            throw new IllegalArgumentException("--kill-at must be a wave percent between 1 and 99, got " + killAt);
        }
        if (cutMs < 1000 || cutMs > 600_000) {
            throw new IllegalArgumentException("--cut must be between 1 s and 10 min, got " + cutMs + " ms");
        }
        kills = List.copyOf(kills);
    }

    /** The rollout's waves: equal steps, the last 100 %. */
    List<Integer> wavePercents() {
        return java.util.stream.IntStream.rangeClosed(1, waves).mapToObj(i -> i == waves ? 100 : i * 100 / waves).toList();
    }
}
