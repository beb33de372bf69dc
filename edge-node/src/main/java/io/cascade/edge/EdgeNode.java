package io.cascade.edge;

import io.cascade.proto.ProbeReply;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.probe.ProbeResponder;
import io.nats.client.Connection;
import io.nats.client.Options;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge site: its connection to the region's relay and the site's probe answer. The journal,
 * reconciler and providers join it with the desired-state issue. Many edges share one JVM (and the
 * shared connection defaults of {@link NatsClients}).
 */
public final class EdgeNode implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EdgeNode.class);

    private final EdgeConfig config;
    private final Connection nats;
    private final ProbeResponder probe;
    private boolean closed;

    private EdgeNode(EdgeConfig config, Connection nats, ProbeResponder probe) {
        this.config = config;
        this.nats = nats;
        this.probe = probe;
    }

    public static EdgeNode start(EdgeConfig config) throws IOException, InterruptedException {
        Options options = NatsClients.options("cascade-edge-" + config.site(), config.relayUrl()).build();
        Connection nats = NatsClients.connect(options);
        try {
            ProbeResponder probe = ProbeResponder.start(nats, ProbeReply.Tier.EDGE, config.region(), config.site(),
                    "edge " + config.site(), List.of(Subjects.probeSite(config.region(), config.site()),
                            Subjects.probeSites(config.region())));
            LOG.info("edge {} (region {}, labels {}) connected to {}", config.site(), config.region(),
                    config.labels(), config.relayUrl());
            return new EdgeNode(config, nats, probe);
        } catch (RuntimeException e) {
            nats.close();
            throw e;
        }
    }

    public EdgeConfig config() {
        return config;
    }

    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        probe.close();
        nats.close();
        LOG.info("edge {} stopped", config.site());
    }
}
