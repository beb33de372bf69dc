package io.cascade.relay;

import io.cascade.proto.ProbeReply;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.probe.ProbeResponder;
import io.nats.client.Connection;
import java.io.IOException;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The regional relay process: its connection to the region's nats-server and the relay's probe
 * answer. Fan-out, sync and status aggregation join it with the next issues. Composition root of
 * the tier; closes in reverse order of start.
 */
public final class Relay implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);

    private final RelayConfig config;
    private final Connection nats;
    private final ProbeResponder probe;
    private boolean closed;

    private Relay(RelayConfig config, Connection nats, ProbeResponder probe) {
        this.config = config;
        this.nats = nats;
        this.probe = probe;
    }

    public static Relay start(RelayConfig config) throws IOException, InterruptedException {
        String name = "cascade-relay-" + config.region();
        Connection nats = NatsClients.connect(NatsClients.options(name, config.natsUrl()).build());
        try {
            ProbeResponder probe = ProbeResponder.start(nats, ProbeReply.Tier.RELAY, config.region(), "",
                    name, List.of(Subjects.probeRelay(config.region())));
            LOG.info("relay of region {} running on {}", config.region(), config.natsUrl());
            return new Relay(config, nats, probe);
        } catch (RuntimeException e) {
            nats.close();
            throw e;
        }
    }

    public RelayConfig config() {
        return config;
    }

    /** Drains the relay's subscriptions, then closes its connection. Idempotent. */
    @Override
    public synchronized void close() throws InterruptedException {
        if (closed) {
            return;
        }
        closed = true;
        probe.close();
        nats.close();
        LOG.info("relay of region {} stopped", config.region());
    }
}
