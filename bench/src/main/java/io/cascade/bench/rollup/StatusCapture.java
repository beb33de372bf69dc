package io.cascade.bench.rollup;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.SiteStatus;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Listens, next to each relay's status service, to the status requests the real edges send
 * ({@code cascade.status.<region>.<site>}) and keeps each site's latest full report (with its apps)
 * and latest heartbeat, exactly as the edge built them. The flat baseline sends these very messages,
 * so both variants carry the same bytes. Open only while the edges start and settle, not while the
 * hub is measured.
 */
final class StatusCapture implements AutoCloseable {

    private static final Duration FLUSH = Duration.ofSeconds(10);

    /**
     * One site's captured messages; either is null until seen.
     *
     * @param full      the latest report with {@code heartbeat_only} false and at least one app
     * @param heartbeat the latest heartbeat ({@code heartbeat_only} true)
     */
    record SiteMessages(SiteStatus full, SiteStatus heartbeat) {
        boolean complete() {
            return full != null && heartbeat != null;
        }
    }

    private final List<Connection> connections = new ArrayList<>();
    private final Map<String, SiteMessages> sites = new ConcurrentHashMap<>();
    private final AtomicLong malformed = new AtomicLong();

    private StatusCapture() {}

    /** Subscribes to every region's status subjects on its relay's nats-server. */
    static StatusCapture start(LocalFabric fabric, List<String> regions)
            throws IOException, InterruptedException, TimeoutException {
        StatusCapture capture = new StatusCapture();
        try {
            for (String region : regions) {
                Connection c = NatsClients.connect(NatsClients.options("bench-status-capture-" + region,
                        fabric.relay(region).clientUrl(), fabric.credentials(new Identity.Tool("bench-status-capture",
                                List.of(), List.of(Subjects.statusAll(region))))).build());
                capture.connections.add(c);
                c.createDispatcher(capture::receive).subscribe(Subjects.statusAll(region));
                c.flush(FLUSH);
            }
            return capture;
        } catch (IOException | InterruptedException | TimeoutException | RuntimeException e) {
            capture.close();
            throw e;
        }
    }

    private void receive(Message msg) {
        SiteStatus s;
        try {
            s = SiteStatus.parseFrom(msg.getData());
        } catch (InvalidProtocolBufferException e) {
            malformed.incrementAndGet();
            return;
        }
        boolean full = !s.getHeartbeatOnly() && s.getAppsCount() > 0;
        if (!full && !s.getHeartbeatOnly()) {
            return; // a full report of a site with no app yet: not the steady state
        }
        sites.merge(s.getSite(), full ? new SiteMessages(s, null) : new SiteMessages(null, s),
                (was, now) -> new SiteMessages(now.full != null ? now.full : was.full,
                        now.heartbeat != null ? now.heartbeat : was.heartbeat));
    }

    /** How many of {@code siteNames} have both messages captured. */
    long completeSites(List<String> siteNames) {
        return siteNames.stream().filter(n -> site(n).map(SiteMessages::complete).orElse(false)).count();
    }

    Optional<SiteMessages> site(String name) {
        return Optional.ofNullable(sites.get(name));
    }

    /** Payloads that did not parse as a SiteStatus. */
    long malformed() {
        return malformed.get();
    }

    /** Closes the listening connections; what was captured stays readable. */
    @Override
    public void close() throws InterruptedException {
        for (Connection c : connections) {
            c.close();
        }
        connections.clear();
    }
}
