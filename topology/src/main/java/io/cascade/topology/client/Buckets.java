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

    private Buckets() {}

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
