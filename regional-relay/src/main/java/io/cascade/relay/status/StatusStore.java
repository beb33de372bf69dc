package io.cascade.relay.status;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.SiteStatus;
import io.cascade.topology.Subjects;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import io.nats.client.impl.NatsKeyValueWatchSubscription;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own KV bucket {@code status} (in its JetStream domain): key = site, value = the
 * site's latest record (a serialized SiteStatus, heartbeats merged in), one revision per key.
 * Writes are asynchronous JetStream publishes on the bucket's subject so a batch of reports costs
 * one round trip, not one per report.
 */
final class StatusStore {

    private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);
    private static final int STREAM_NOT_FOUND = 10059;
    private static final int STREAM_NAME_IN_USE = 10058;

    private final String region;
    private final KeyValue kv;
    private final JetStream js;
    private final String subjectPrefix;

    private StatusStore(String region, KeyValue kv, JetStream js) {
        this.region = region;
        this.kv = kv;
        this.js = js;
        this.subjectPrefix = "$KV." + Subjects.KV_STATUS + ".";
    }

    /** Opens the bucket, creating it if it is missing (idempotent, also when two starts race). */
    static StatusStore open(Connection nats, String region, int replicas)
            throws IOException, JetStreamApiException, InterruptedException {
        KeyValueManagement kvm = nats.keyValueManagement();
        if (!exists(kvm)) {
            try {
                io.cascade.topology.client.Buckets.create(kvm, KeyValueConfiguration.builder()
                        .name(Subjects.KV_STATUS)
                        .description("latest status of each site of region " + region)
                        .maxHistoryPerKey(1)
                        .storageType(StorageType.File)
                        .replicas(replicas)
                        .build());
                LOG.info("region {}: created the status bucket ({} copies)", region, replicas);
            } catch (JetStreamApiException e) {
                if (e.getApiErrorCode() != STREAM_NAME_IN_USE) {
                    throw e;
                }
            }
        }
        return new StatusStore(region, nats.keyValue(Subjects.KV_STATUS), nats.jetStream());
    }

    private static boolean exists(KeyValueManagement kvm) throws IOException, JetStreamApiException {
        try {
            kvm.getStatus(Subjects.KV_STATUS);
            return true;
        } catch (JetStreamApiException e) {
            if (e.getErrorCode() == 404 || e.getApiErrorCode() == STREAM_NOT_FOUND) {
                return false;
            }
            throw e;
        }
    }

    /** Every record in the bucket; unreadable ones are skipped with a warning. */
    List<SiteStatus> load(Duration timeout) throws IOException, JetStreamApiException, InterruptedException {
        Map<String, byte[]> values = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(1);
        NatsKeyValueWatchSubscription watch = kv.watchAll(new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                values.put(entry.getKey(), entry.getValue() == null ? new byte[0] : entry.getValue());
            }

            @Override
            public void endOfData() {
                done.countDown();
            }
        }, KeyValueWatchOption.IGNORE_DELETE);
        try {
            if (!done.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IOException("region " + region + ": the status bucket did not load within " + timeout);
            }
        } finally {
            watch.unsubscribe();
        }
        List<SiteStatus> out = new ArrayList<>(values.size());
        values.forEach((site, bytes) -> {
            try {
                out.add(SiteStatus.parseFrom(bytes));
            } catch (InvalidProtocolBufferException e) {
                LOG.warn("region {} site {}: persisted status unreadable ({}); the site counts again on its next report",
                        region, site, e.getMessage());
            }
        });
        return out;
    }

    /** Removes the site's record (a removed site is not loaded back after a restart). */
    void delete(String site) throws IOException, JetStreamApiException {
        kv.purge(site);
    }

    /** Writes the site's record; completes when JetStream has stored it. */
    CompletableFuture<PublishAck> put(String site, SiteStatus record) {
        return js.publishAsync(subjectPrefix + site, record.toByteArray());
    }
}
