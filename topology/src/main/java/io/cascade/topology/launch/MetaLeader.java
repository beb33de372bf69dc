package io.cascade.topology.launch;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The JetStream meta leader of a cluster of nats-servers (an HA hub's nodes), as their monitoring ports tell it. */
final class MetaLeader {

    private MetaLeader() {}

    /**
     * Waits until every running node of {@code nodes} names the same JetStream meta leader, itself a running node
     * (after a leader is killed its peers name it until they elect another) that sees every other running node as a
     * current peer; returns it.
     *
     * @param logs where the nodes' logs are, for the error when there is none in time
     */
    static NatsServerProcess await(List<NatsServerProcess> nodes, Duration timeout, Object logs) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Set<String> leaders = new HashSet<>();
            Set<String> running = new HashSet<>();
            for (NatsServerProcess node : nodes) {
                if (node.isAlive()) {
                    leaders.add(node.jetStreamMetaLeader());
                    running.add(node.name());
                }
            }
            if (leaders.size() == 1 && running.containsAll(leaders)) {
                NatsServerProcess leader = named(nodes, leaders.iterator().next());
                if (peersCurrent(leader, running.size())) {
                    return leader;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the hub's nodes agree on no JetStream meta leader within " + timeout + ": "
                        + leaders + "; see logs under " + logs);
            }
            Thread.sleep(50);
        }
    }

    /** Whether {@code leader} sees every other running node as a current peer. */
    private static boolean peersCurrent(NatsServerProcess leader, int running) throws InterruptedException {
        int current = 0;
        for (var r : leader.monitor("/jsz").path("meta_cluster").path("replicas")) {
            if (r.path("current").asBoolean(false) && !r.path("offline").asBoolean(false)) {
                current++;
            }
        }
        return current >= running - 1;
    }

    private static NatsServerProcess named(List<NatsServerProcess> nodes, String name) {
        return nodes.stream().filter(n -> n.name().equals(name)).findFirst().orElseThrow();
    }
}
