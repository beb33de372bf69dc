package io.cascade.hub.intent;

import com.google.protobuf.Timestamp;
import io.cascade.hub.intent.IntentException.Reason;
import io.cascade.proto.Intent;
import io.cascade.proto.IntentSummary;
import io.cascade.topology.fleet.Fleet;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's intents: publish (validate, store, render), withdraw, read and list. Publishes and
 * withdrawals of one app run one at a time (in this process; across processes the KV compare-and-set
 * reports a {@link Reason#CONFLICT}); different apps run in parallel.
 *
 * <p>A publish whose intent equals the app's current one writes no new revision, but still asks
 * {@link DesiredState} to render it: that writes nothing when the docs are in place, and finishes the
 * docs of an earlier publish that failed half-way.
 */
public final class Intents {

    private static final Logger LOG = LoggerFactory.getLogger(Intents.class);

    static final int DEFAULT_PAGE_SIZE = 100;
    static final int MAX_PAGE_SIZE = 1000;
    private static final int LOCK_STRIPES = 64;

    private final IntentStore store;
    private final IntentValidator validator;
    private final DesiredState desired;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    /**
     * @param bucket         KV {@code intents} of the hub's JetStream
     * @param jetStream      the same JetStream (for the delete marker whose revision a withdrawal returns)
     * @param fleet          the regions intents may name
     * @param sites          the sites intents may name (the hub's live site set)
     * @param maxIntentBytes the largest message the hub's nats-server takes (its max_payload)
     * @param desired        the next step: renders stored intents into desired docs
     */
    public Intents(KeyValue bucket, JetStream jetStream, Fleet fleet, io.cascade.hub.sites.SiteLookup sites, long maxIntentBytes,
                   DesiredState desired) {
        this.store = new IntentStore(Objects.requireNonNull(bucket, "bucket"), Objects.requireNonNull(jetStream, "jetStream"));
        this.validator = new IntentValidator(Objects.requireNonNull(fleet, "fleet"), sites, maxIntentBytes);
        this.desired = Objects.requireNonNull(desired, "desired");
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    /**
     * Validates {@code proposed}, stores it (unless it equals the current one) and renders its desired docs.
     *
     * @throws IntentException {@link Reason#INVALID} (nothing written), {@link Reason#CONFLICT},
     *     {@link Reason#UNAVAILABLE} or {@link Reason#STORE_FAILED}
     */
    public Publication publish(Intent proposed) throws IntentException, InterruptedException {
        Intent intent = validator.validate(proposed);
        String app = intent.getApp();
        ReentrantLock lock = lockOf(app);
        lock.lockInterruptibly();
        try {
            StoredIntent current = call(app, () -> store.latest(app));
            boolean unchanged = current != null && current.intent().equals(intent);
            long revision = unchanged ? current.revision() : call(app, () -> store.put(intent, current));
            try {
                desired.render(revision, intent);
            } catch (IOException | JetStreamApiException e) {
                throw storeFailure(app, e, "intent revision " + revision + " is stored but its desired docs are "
                        + "incomplete; publishing the same intent again completes them");
            }
            if (unchanged) {
                LOG.info("app {}: intent unchanged, still revision {}", app, revision);
            } else {
                LOG.info("app {}: published intent revision {} (bundle {}, {} resources, {} overrides)", app, revision,
                        intent.getBundle().getVersion(), intent.getBundle().getResourcesCount(), intent.getOverridesCount());
            }
            return new Publication(revision, unchanged);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Deletes every desired doc of {@code app}, then its key in KV {@code intents} (its history stays).
     *
     * @return the intent revision of the delete
     * @throws IntentException {@link Reason#NOT_FOUND} when the app has no live intent
     */
    public long withdraw(String app) throws IntentException, InterruptedException {
        requireApp(app);
        ReentrantLock lock = lockOf(app);
        lock.lockInterruptibly();
        try {
            StoredIntent current = call(app, () -> store.latest(app));
            if (current == null) {
                throw notLive(app);
            }
            try {
                desired.withdraw(app);
            } catch (IOException | JetStreamApiException e) {
                throw storeFailure(app, e, "some desired docs may remain; withdrawing again completes it");
            }
            long revision = call(app, () -> store.delete(app, current.revision()));
            LOG.info("app {}: withdrawn at intent revision {} (was revision {})", app, revision, current.revision());
            return revision;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The app's live intent, or {@code revision} of it from history.
     *
     * @throws IntentException {@link Reason#NOT_FOUND} when there is no such intent
     */
    public StoredIntent get(String app, OptionalLong revision) throws IntentException {
        requireApp(app);
        if (revision.isEmpty()) {
            StoredIntent latest = call(app, () -> store.latest(app));
            if (latest == null) {
                throw notLive(app);
            }
            return latest;
        }
        long wanted = revision.getAsLong();
        if (wanted <= 0) {
            throw new IntentException(Reason.INVALID, "intentRevision: must be positive, found "
                    + Long.toUnsignedString(wanted));
        }
        StoredIntent stored = call(app, () -> store.at(app, wanted));
        if (stored == null) {
            throw new IntentException(Reason.NOT_FOUND, "app " + IntentValidator.quote(app) + " has no intent revision "
                    + wanted + ": it is another app's revision, a withdrawal, or older than the history the hub keeps");
        }
        return stored;
    }

    /**
     * One page of the live intents, sorted by app.
     *
     * @param pageSize  at most this many; 0 means {@value #DEFAULT_PAGE_SIZE}, more than
     *                  {@value #MAX_PAGE_SIZE} means {@value #MAX_PAGE_SIZE}
     * @param pageToken empty for the first page, else a previous page's {@link IntentPage#nextPageToken()}
     */
    public IntentPage list(int pageSize, String pageToken) throws IntentException, InterruptedException {
        long requested = Integer.toUnsignedLong(pageSize);
        int size = requested == 0 ? DEFAULT_PAGE_SIZE : (int) Math.min(requested, MAX_PAGE_SIZE);
        String after = pageToken.isEmpty() ? "" : appOfToken(pageToken);
        List<String> apps;
        try {
            apps = store.apps().stream().filter(app -> app.compareTo(after) > 0).sorted().toList();
        } catch (IOException | JetStreamApiException e) {
            throw storeFailure("(all)", e, "cannot list intents");
        }
        List<IntentSummary> page = new ArrayList<>();
        int next = 0;
        while (next < apps.size() && page.size() < size) {
            String app = apps.get(next++);
            StoredIntent stored = call(app, () -> store.latest(app));
            if (stored != null) { // null: withdrawn since the listing
                page.add(summary(app, stored));
            }
        }
        String nextToken = next < apps.size() && !page.isEmpty() ? tokenOf(page.getLast().getApp()) : "";
        return new IntentPage(page, nextToken);
    }

    private static IntentSummary summary(String app, StoredIntent stored) {
        Instant at = stored.publishedAt();
        return IntentSummary.newBuilder()
                .setApp(app)
                .setIntentRevision(stored.revision())
                .setPublishedAt(Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
                .setBundleVersion(stored.intent().getBundle().getVersion())
                .setDescription(stored.intent().getMetadata().getDescription())
                .setRequestedBy(stored.intent().getMetadata().getRequestedBy())
                .setRollout(stored.intent().getRollout())
                .build();
    }

    private static String tokenOf(String lastApp) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("after:" + lastApp).getBytes(StandardCharsets.UTF_8));
    }

    private static String appOfToken(String token) throws IntentException {
        try {
            String decoded = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (decoded.startsWith("after:") && IntentValidator.dnsLabelProblem(decoded.substring(6)).isEmpty()) {
                return decoded.substring(6);
            }
        } catch (IllegalArgumentException e) {
            // not base64: reported below
        }
        throw new IntentException(Reason.INVALID, "pageToken: " + IntentValidator.quote(token)
                + " is not a token from ListIntents; leave it empty for the first page");
    }

    private static void requireApp(String app) throws IntentException {
        var problem = IntentValidator.dnsLabelProblem(app);
        if (problem.isPresent()) {
            throw new IntentException(Reason.INVALID, "app: " + problem.get());
        }
    }

    private static IntentException notLive(String app) {
        return new IntentException(Reason.NOT_FOUND, "app " + IntentValidator.quote(app)
                + " has no live intent: it was never published, or it was withdrawn");
    }

    private ReentrantLock lockOf(String app) {
        return locks[Math.floorMod(app.hashCode(), LOCK_STRIPES)];
    }

    /**
     * One KV call, its failures turned into an {@link IntentException} that names the app; a lost race (another
     * replica of the hub wrote the app's intent at the same time) names the intent revision that won.
     */
    private <T> T call(String app, StoreCall<T> call) throws IntentException {
        try {
            return call.run();
        } catch (IOException | JetStreamApiException e) {
            IntentException failure = storeFailure(app, e, null);
            if (failure.reason() == Reason.CONFLICT) {
                throw new IntentException(Reason.CONFLICT, failure.getMessage() + currentRevision(app), e);
            }
            throw failure;
        }
    }

    /** " (its intent revision is now N)", or nothing when the store cannot say. */
    private String currentRevision(String app) {
        try {
            StoredIntent now = store.latest(app);
            return now == null ? "" : " (its intent revision is now " + now.revision() + ")";
        } catch (IOException | JetStreamApiException | IntentException | RuntimeException e) {
            return "";
        }
    }

    private static IntentException storeFailure(String app, Exception e, String consequence) {
        String suffix = consequence == null ? "" : "; " + consequence;
        if (e instanceof JetStreamApiException api && api.getApiErrorCode() == IntentStore.WRONG_LAST_SEQUENCE) {
            return new IntentException(Reason.CONFLICT, "app " + IntentValidator.quote(app)
                    + ": its intent was changed by another writer at the same time; retry" + suffix, e);
        }
        if (e instanceof JetStreamApiException api) {
            return new IntentException(Reason.STORE_FAILED, "app " + IntentValidator.quote(app)
                    + ": the hub's JetStream refused the request: " + api.getMessage() + suffix, e);
        }
        return new IntentException(Reason.UNAVAILABLE, "app " + IntentValidator.quote(app)
                + ": the hub's JetStream did not answer: " + e.getMessage() + suffix, e);
    }

    @FunctionalInterface
    private interface StoreCall<T> {
        T run() throws IOException, JetStreamApiException, IntentException;
    }
}
