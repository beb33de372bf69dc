package io.cascade.hub.api;

import io.cascade.hub.sites.SiteException;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatchOption;
import io.nats.client.api.KeyValueWatcher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator credentials revoked so far, durable in the hub's KV {@code credentials} (key
 * {@code revoked.<id>}, value when and why): read whole at start, consulted on every call, written
 * through before a revocation is answered.
 */
public final class CredentialRevocations {

    private static final Logger LOG = LoggerFactory.getLogger(CredentialRevocations.class);
    static final String REVOKED = "revoked.";

    private final KeyValue bucket;
    private final Clock clock;
    private final Set<String> ids = ConcurrentHashMap.newKeySet();

    private CredentialRevocations(KeyValue bucket, Clock clock) {
        this.bucket = bucket;
        this.clock = clock;
    }

    /** Reads every revocation in {@code bucket}. */
    public static CredentialRevocations open(KeyValue bucket, Clock clock) throws IOException, JetStreamApiException,
            InterruptedException {
        CredentialRevocations r = new CredentialRevocations(bucket, clock);
        CountDownLatch done = new CountDownLatch(1);
        var watch = bucket.watch(REVOKED + "*", new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry e) {
                if (e.getOperation() == KeyValueOperation.PUT) {
                    r.ids.add(e.getKey().substring(REVOKED.length()));
                }
            }

            @Override
            public void endOfData() {
                done.countDown();
            }
        }, KeyValueWatchOption.IGNORE_DELETE);
        try {
            if (!done.await(30, TimeUnit.SECONDS)) {
                throw new IOException("KV " + bucket.getBucketName() + " was not read within 30 s");
            }
        } finally {
            watch.unsubscribe();
        }
        return r;
    }

    /** Whether the credential with {@code id} was revoked. */
    public boolean isRevoked(String id) {
        return ids.contains(id);
    }

    /** Revokes the credential {@code id}, durably, before it answers. */
    public void revoke(String id, String reason, String by) throws SiteException {
        if (!id.matches("[0-9a-f]{24}|cert-[0-9a-f]{1,40}")) {
            throw new SiteException(SiteException.Reason.INVALID, "id: \"" + id + "\" is not a credential id (24 hex digits, "
                    + "or cert-<serial>, as `cascade trust operator` printed it)");
        }
        String record = clock.instant() + " by " + by + (reason.isBlank() ? "" : ": " + reason);
        try {
            bucket.put(REVOKED + id, record.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | JetStreamApiException e) {
            throw new SiteException(SiteException.Reason.UNAVAILABLE, "the hub's KV " + bucket.getBucketName()
                    + " did not take the revocation of " + id + ": " + e.getMessage() + "; retrying is safe", e);
        }
        ids.add(id);
        LOG.info("operator credential {} revoked {}", id, record);
    }
}
