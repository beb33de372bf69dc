package io.cascade.hub.ha;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an on-call SRE sees when a node of an HA hub is lost: every {@link #EVERY} the hub service asks JetStream for
 * each of its buckets' replicas and publishes, per bucket, {@code cascade_hub_bucket_replicas_offline} (copies on
 * nodes JetStream counts as offline, or its leader has not heard from for {@link #SILENT}) and {@code cascade_hub_bucket_available} (1 while its stream answers with a
 * leader), and logs a line when that changes: WARN when a copy goes offline or a stream stops answering, INFO
 * when every copy is current again (one line per check for all the buckets that changed). A bucket keeps serving while a majority of its copies is up.
 */
public final class BucketReplicas implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BucketReplicas.class);
    /** How often the buckets are checked. */
    public static final Duration EVERY = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);
    /** A copy whose node the stream's leader has not heard from for this long counts as offline. */
    static final Duration SILENT = Duration.ofSeconds(5);

    /** One bucket's last known state. */
    record State(boolean answered, List<String> offline, int copies) {
        String describe(String bucket) {
            if (!answered) {
                return bucket + " not answering (no stream leader yet)";
            }
            if (!offline.isEmpty()) {
                return bucket + " " + (copies - offline.size()) + "/" + copies + " copies current, offline on " + String.join(", ", offline);
            }
            return bucket + " " + copies + "/" + copies + " copies current";
        }
    }

    private final JetStreamManagement streams;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final ScheduledExecutorService every = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("bucket-replicas").factory());

    private BucketReplicas(JetStreamManagement streams, List<String> buckets, MeterRegistry registry) {
        this.streams = streams;
        for (String bucket : buckets) {
            states.put(bucket, new State(true, List.of(), 0));
            Gauge.builder("cascade.hub.bucket.replicas.offline", () -> state(bucket).offline().size())
                    .description("copies of the hub bucket on nodes JetStream counts as offline").tag("bucket", bucket)
                    .register(registry);
            Gauge.builder("cascade.hub.bucket.available", () -> state(bucket).answered() ? 1 : 0)
                    .description("1 while the hub bucket's stream answers with a leader").tag("bucket", bucket).register(registry);
        }
    }

    /** Starts checking {@code buckets} (KV names) every {@link #EVERY}. */
    public static BucketReplicas start(Connection nats, List<String> buckets, MeterRegistry registry) throws IOException {
        BucketReplicas r = new BucketReplicas(nats.jetStreamManagement(JetStreamOptions.builder().requestTimeout(REQUEST_TIMEOUT)
                .build()), buckets, registry);
        r.every.scheduleWithFixedDelay(r::check, 0, EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return r;
    }

    synchronized State state(String bucket) {
        return states.get(bucket);
    }

    /** One pass; the buckets whose state changed go into one log line (a lost node touches most of them at once). */
    private void check() {
        List<String> worse = new ArrayList<>();
        List<String> healed = new ArrayList<>();
        for (String bucket : List.copyOf(states.keySet())) {
            State now = read(bucket);
            State before;
            synchronized (this) {
                before = states.put(bucket, now);
            }
            if (before != null && before.copies() > 0 && (before.answered() != now.answered() || !before.offline().equals(now.offline()))) {
                (now.answered() && now.offline().isEmpty() ? healed : worse).add(now.describe(bucket));
            }
        }
        if (!worse.isEmpty()) {
            LOG.warn("hub buckets: {} (a hub node is down or was lost; each bucket serves while a majority of its copies is up)",
                    String.join("; ", worse));
        }
        if (!healed.isEmpty()) {
            LOG.info("hub buckets: {}", String.join("; ", healed));
        }
    }

    private State read(String bucket) {
        try {
            ClusterInfo c = streams.getStreamInfo("KV_" + bucket).getClusterInfo();
            if (c == null || c.getLeader() == null) {
                return new State(c == null, List.of(), 1);
            }
            List<String> offline = new ArrayList<>();
            List<Replica> replicas = c.getReplicas() == null ? List.of() : c.getReplicas();
            for (Replica r : replicas) {
                // a node killed -9 sends no goodbye: JetStream marks it offline only much later, so a copy not heard
                // from for SILENT counts as offline too (a live follower is heard every second or so)
                if (r.isOffline() || !r.isCurrent() && r.getActive() != null && r.getActive().compareTo(SILENT) > 0) {
                    offline.add(r.getName());
                }
            }
            return new State(true, List.copyOf(offline), replicas.size() + 1);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.debug("bucket {}: no stream info: {}", bucket, e.toString());
            return new State(false, List.of(), Math.max(1, state(bucket).copies()));
        }
    }

    @Override
    public void close() {
        every.shutdownNow();
    }
}
