package io.cascade.topology.client;

import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creating KV buckets on a JetStream cluster that may have just formed. */
public final class Buckets {

    private static final Logger LOG = LoggerFactory.getLogger(Buckets.class);

    /** "error creating store": a cluster that has just formed refuses a replicated stream for a moment. */
    public static final int STORE_NOT_READY = 10049;
    /** How long {@link #create} retries that refusal. */
    public static final Duration READY_WAIT = Duration.ofSeconds(30);
    /** "stream name already in use with a different configuration". */
    public static final int STREAM_NAME_IN_USE = 10058;

    private static final int STREAM_NOT_FOUND = 10059;

    private Buckets() {}

    /**
     * Creates the bucket if it is missing (as {@link #create}); an existing one is left as it is, also when
     * another process created it in between. Returns whether this call created it.
     */
    public static boolean ensure(KeyValueManagement kvm, KeyValueConfiguration config)
            throws IOException, JetStreamApiException, InterruptedException {
        try {
            kvm.getStatus(config.getBucketName());
            return false;
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() != 404 && e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
        }
        try {
            create(kvm, config);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == STREAM_NAME_IN_USE) {
                return false;
            }
            throw e;
        }
    }

    /** Creates the bucket, retrying every 250 ms for up to {@link #READY_WAIT} while the cluster refuses with {@value #STORE_NOT_READY}. */
    public static void create(KeyValueManagement kvm, KeyValueConfiguration config)
            throws IOException, JetStreamApiException, InterruptedException {
        long deadline = System.nanoTime() + READY_WAIT.toNanos();
        while (true) {
            try {
                kvm.create(config);
                return;
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STORE_NOT_READY || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(250);
            }
        }
    }

    /**
     * Creates the bucket {@code config} describes, or brings an existing one to it (JetStream changes a stream's
     * history and scales its replicas in place), then waits up to {@code wait} for its stream's leader
     * ({@link #awaitLeader}). A cluster that has just formed may refuse a new replicated stream for a moment
     * ({@value #STORE_NOT_READY}, or no answer): retried every 250 ms for up to {@code wait}.
     */
    public static void createOrUpdate(Connection nats, KeyValueConfiguration config, Duration wait)
            throws IOException, JetStreamApiException, InterruptedException {
        KeyValueManagement kvm = nats.keyValueManagement();
        String name = config.getBucketName();
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                try {
                    kvm.create(config); // the same configuration again is not an error
                } catch (JetStreamApiException e) {
                    if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
                        throw e;
                    }
                    kvm.update(config);
                    LOG.info("KV bucket {}: configuration updated to history {}, {} replica(s)", name,
                            config.getMaxHistoryPerKey(), config.getReplicas());
                }
                break;
            } catch (JetStreamApiException | IOException e) {
                boolean forming = config.getReplicas() > 1
                        && (e instanceof IOException || ((JetStreamApiException) e).getApiErrorCode() == STORE_NOT_READY);
                if (!forming || System.nanoTime() > deadline) {
                    throw e;
                }
                LOG.info("KV bucket {}: the cluster is not ready for it yet ({}); retrying", name, e.getMessage());
                Thread.sleep(250);
            }
        }
        awaitLeader(nats.jetStreamManagement(), name, config.getReplicas(), wait);
    }

    /**
     * With {@code replicas} above one, waits until the bucket's stream has elected a leader: on a cluster, a watch
     * or a write right after the stream was created (or scaled) times out until then. Fails with an
     * {@link IOException} when none was elected within {@code wait}.
     */
    public static void awaitLeader(JetStreamManagement jsm, String bucket, int replicas, Duration wait)
            throws IOException, InterruptedException {
        if (replicas < 2) {
            return;
        }
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            try {
                ClusterInfo cluster = jsm.getStreamInfo("KV_" + bucket).getClusterInfo();
                if (cluster != null && cluster.getLeader() != null && !cluster.getLeader().isEmpty()) {
                    return;
                }
            } catch (JetStreamApiException | IOException e) {
                LOG.debug("KV bucket {}: stream info not yet available: {}", bucket, e.toString());
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("KV bucket " + bucket + ": its stream elected no leader within " + wait.toSeconds() + " s");
            }
            Thread.sleep(50);
        }
    }
}
