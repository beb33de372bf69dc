package io.cascade.topology.launch;

import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Counting a fabric's leaf links between the relays' servers and the hub's. */
final class LeafLinks {

    private static final Logger LOG = LoggerFactory.getLogger(LeafLinks.class);

    private LeafLinks() {}

    /** Waits until the hub has {@code perRelay} leaf connections from every running relay node and each node has its own. */
    static void await(List<NatsServerProcess> hubs, List<NatsServerProcess> relays, int perRelay, Duration timeout, Object logs)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long running = relays.stream().filter(NatsServerProcess::isAlive).count();
            boolean up = atHub(hubs) >= perRelay * running;
            for (NatsServerProcess relay : relays) {
                up &= !relay.isAlive() || relay.leafConnections() >= perRelay;
            }
            if (up) {
                LOG.info("leaf links up: hub has {} relay server(s)", running);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("leaf links not up within " + timeout + ": hub sees " + atHub(hubs) + " of "
                        + perRelay * running + " leaf links (" + perRelay + " per relay server); see logs under " + logs);
            }
            Thread.sleep(50);
        }
    }

    /** Leaf connections at every running hub node, summed. */
    static int atHub(List<NatsServerProcess> hubs) throws InterruptedException {
        int n = 0;
        for (NatsServerProcess node : hubs) {
            if (node.isAlive()) {
                n += node.leafConnections();
            }
        }
        return n;
    }
}
