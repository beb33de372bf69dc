package io.cascade.bench.rollup;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.SiteStatus;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The flat baseline's hub service: one connection at the hub's nats-server taking every site's
 * status reports ({@code cascade.status.<region>.*} for each region), as a hub without relays would.
 * It parses each report and counts it per site (by subject; the report must name the same site).
 */
final class FlatHub implements AutoCloseable {

    static final String NAME = "bench-flat-hub";
    private static final Duration FLUSH = Duration.ofSeconds(10);

    private final Map<String, Integer> siteBySubject = new HashMap<>();
    private final AtomicLongArray received;
    private final AtomicIntegerArray fullReceived;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final Connection nats;

    private FlatHub(Connection nats, List<FlatEdges.Site> sites) {
        this.nats = nats;
        for (int i = 0; i < sites.size(); i++) {
            siteBySubject.put(Subjects.status(sites.get(i).region(), sites.get(i).name()), i);
        }
        this.received = new AtomicLongArray(sites.size());
        this.fullReceived = new AtomicIntegerArray(sites.size());
    }

    /** Connects to {@code hubUrl} and subscribes to every region's status subjects (flushed: in place on return). */
    static FlatHub start(String hubUrl, List<String> regions, List<FlatEdges.Site> sites, UserCredentials credentials)
            throws IOException, InterruptedException, TimeoutException {
        Connection nats = NatsClients.connect(NatsClients.options(NAME, hubUrl, credentials).build());
        FlatHub hub = new FlatHub(nats, sites);
        try {
            var dispatcher = nats.createDispatcher(hub::receive);
            for (String region : regions) {
                dispatcher.subscribe(Subjects.statusAll(region));
            }
            nats.flush(FLUSH);
            return hub;
        } catch (TimeoutException | RuntimeException e) {
            nats.close();
            throw e;
        }
    }

    private void receive(Message msg) {
        Integer i = siteBySubject.get(msg.getSubject());
        SiteStatus s;
        try {
            s = SiteStatus.parseFrom(msg.getData());
        } catch (InvalidProtocolBufferException e) {
            rejected.incrementAndGet();
            return;
        }
        if (i == null || !msg.getSubject().equals(Subjects.status(s.getRegion(), s.getSite()))) {
            rejected.incrementAndGet();
            return;
        }
        received.incrementAndGet(i);
        bytes.addAndGet(msg.getData().length);
        if (!s.getHeartbeatOnly()) {
            fullReceived.set(i, 1);
        }
    }

    /** Reports taken from site {@code i} so far. */
    long received(int i) {
        return received.get(i);
    }

    /** Every site's count so far, in site order. */
    long[] receivedPerSite() {
        long[] out = new long[received.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = received.get(i);
        }
        return out;
    }

    long receivedTotal() {
        long n = 0;
        for (int i = 0; i < received.length(); i++) {
            n += received.get(i);
        }
        return n;
    }

    /** Payload bytes of every report taken so far. */
    long bytes() {
        return bytes.get();
    }

    /** Sites whose full report arrived. */
    int sitesWithFullReport() {
        int n = 0;
        for (int i = 0; i < fullReceived.length(); i++) {
            n += fullReceived.get(i);
        }
        return n;
    }

    /** Messages that did not parse, or named another site than their subject. */
    long rejected() {
        return rejected.get();
    }

    @Override
    public void close() throws InterruptedException {
        nats.close();
    }
}
