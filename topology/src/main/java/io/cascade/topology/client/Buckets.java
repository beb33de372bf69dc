package io.cascade.topology.client;

import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import java.io.IOException;
import java.time.Duration;

/** Creating KV buckets on a JetStream cluster that may have just formed. */
public final class Buckets {

    /** "error creating store": a cluster that has just formed refuses a replicated stream for a moment. */
    public static final int STORE_NOT_READY = 10049;
    /** How long {@link #create} retries that refusal. */
    public static final Duration READY_WAIT = Duration.ofSeconds(30);

    private static final int STREAM_NOT_FOUND = 10059;
    private static final int STREAM_NAME_IN_USE = 10058;

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
}
