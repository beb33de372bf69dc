package io.cascade.relay.status;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.proto.SiteStatus;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.Buckets;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.PublishOptions;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay's own KV bucket {@code status} (in its JetStream domain): key = site, value = the
 * site's latest record (a serialized SiteStatus, heartbeats merged in), one revision per key.
 * Writes are asynchronous JetStream publishes on the bucket's subject so a batch of reports costs
 * one round trip, not one per report; each is a compare-and-set on the revision its record was based on, so
 * two relay services of a region taking reports of one site never overwrite a newer record with an older one.
 */
final class StatusStore {

    private static final Logger LOG = LoggerFactory.getLogger(StatusStore.class);
    private static final int NO_MESSAGE_FOUND = 10037;
    static final int WRONG_LAST_SEQUENCE = 10071;

    private final String region;
    private final KeyValue kv;
    private final JetStream js;
    private final JetStreamManagement streams;
    private final String stream = "KV_" + Subjects.KV_STATUS;
    private final String subjectPrefix = "$KV." + Subjects.KV_STATUS + ".";

    private StatusStore(String region, KeyValue kv, JetStream js, JetStreamManagement streams) {
        this.region = region;
        this.kv = kv;
        this.js = js;
        this.streams = streams;
    }

    /** Opens the bucket, creating it if it is missing (idempotent, also when two starts race). */
    static StatusStore open(Connection nats, String region, int replicas)
            throws IOException, JetStreamApiException, InterruptedException {
        boolean created = Buckets.ensure(nats.keyValueManagement(), KeyValueConfiguration.builder()
                .name(Subjects.KV_STATUS)
                .description("latest status of each site of region " + region)
                .maxHistoryPerKey(1)
                .storageType(StorageType.File)
                .replicas(replicas)
                .build());
        if (created) {
            LOG.info("region {}: created the status bucket ({} copies)", region, replicas);
        }
        return new StatusStore(region, nats.keyValue(Subjects.KV_STATUS), nats.jetStream(), nats.jetStreamManagement());
    }

    /** A site's record as stored, with the revision (bucket sequence) it was stored at. */
    record Stored(SiteStatus record, long revision) {}

    /** The bucket, for the watch that loads it and follows the other relay services' writes. */
    KeyValue bucket() {
        return kv;
    }

    /**
     * The record of a bucket entry, or null when the entry is a delete or its value unreadable (logged): a site
     * whose record cannot be read counts again on its next report.
     */
    SiteStatus parse(KeyValueEntry entry) {
        if (entry.getOperation() != KeyValueOperation.PUT || entry.getValue() == null) {
            return null;
        }
        try {
            return SiteStatus.parseFrom(entry.getValue());
        } catch (InvalidProtocolBufferException e) {
            LOG.warn("region {} site {}: persisted status unreadable ({}); the site counts again on its next report",
                    region, entry.getKey(), e.getMessage());
            return null;
        }
    }

    /**
     * The site's last entry as the stream holds it now: its record (null when deleted, purged or unreadable) and
     * its revision (0 when the site never had one), the base of the next compare-and-set write.
     */
    Stored last(String site) throws IOException, JetStreamApiException {
        try {
            MessageInfo m = streams.getLastMessage(stream, subjectPrefix + site);
            String op = m.getHeaders() == null ? null : m.getHeaders().getFirst("KV-Operation");
            SiteStatus record = null;
            if (op == null && m.getData() != null) {
                try {
                    record = SiteStatus.parseFrom(m.getData());
                } catch (InvalidProtocolBufferException e) {
                    LOG.warn("region {} site {}: persisted status unreadable ({}); overwritten by the next report",
                            region, site, e.getMessage());
                }
            }
            return new Stored(record, m.getSeq());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() == NO_MESSAGE_FOUND) {
                return new Stored(null, 0);
            }
            throw e;
        }
    }

    /** Removes the site's record (a removed site is not loaded back after a restart). */
    void delete(String site) throws IOException, JetStreamApiException {
        kv.purge(site);
    }

    /**
     * Writes the site's record if the site's last entry is still at {@code expectedRevision} (0: the site has
     * none); completes when JetStream has stored it, its ack's sequence being the new revision, or exceptionally
     * with API error {@value #WRONG_LAST_SEQUENCE} when another relay service wrote the site in between.
     */
    CompletableFuture<PublishAck> put(String site, SiteStatus record, long expectedRevision) {
        return js.publishAsync(subjectPrefix + site, record.toByteArray(),
                PublishOptions.builder().expectedLastSubjectSequence(expectedRevision).build());
    }

    /** Whether a failed write was refused because the site's record moved on (compare-and-set lost). */
    static boolean conflict(Throwable t) {
        // jnats completes an async publish's future with the API error wrapped in a RuntimeException
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof JetStreamApiException e) {
                return e.getApiErrorCode() == WRONG_LAST_SEQUENCE;
            }
        }
        return false;
    }
}
