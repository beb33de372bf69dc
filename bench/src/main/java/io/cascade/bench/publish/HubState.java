package io.cascade.bench.publish;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cascade.bench.publish.PublishClients.Outcome;
import io.cascade.bench.publish.PublishClients.Published;
import io.cascade.bench.publish.PublishReport.Verification;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub;
import io.cascade.proto.IntentSummary;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.ListIntentsResponse;
import io.cascade.proto.RolloutState;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.launch.LocalFabric;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.StreamState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Checks what the hub holds after a level against what its clients were told: through the FleetService
 * (ListIntents: each app at the revision and bundle version of its last publish) and directly in the
 * hub's JetStream (KV {@code intents} one revision further per publish, KV {@code desired} one per
 * publish and region, each region's app doc carrying the last publish as its stable release). Also
 * samples what the hub's JetStream is doing ({@link Snapshot}).
 */
final class HubState implements AutoCloseable {

    /** Problems listed in the report; the count covers them all. */
    static final int MAX_PROBLEMS_LISTED = 20;

    private final Connection nats;
    private final KeyValueManagement buckets;
    private final KeyValue desired;
    private final FleetServiceBlockingStub fleetService;
    private final List<String> regions;
    private final NatsServerProcess hub;

    private HubState(Connection nats, NatsServerProcess hub, FleetServiceBlockingStub fleetService, List<String> regions)
            throws IOException {
        this.nats = nats;
        this.hub = hub;
        this.buckets = nats.keyValueManagement();
        this.desired = nats.keyValue(Subjects.KV_DESIRED);
        this.fleetService = fleetService;
        this.regions = List.copyOf(regions);
    }

    /** Connects to the hub's nats-server {@code hub}; reads the intents through {@code fleetService}. */
    static HubState open(LocalFabric fabric, FleetServiceBlockingStub fleetService, List<String> regions)
            throws IOException, InterruptedException {
        NatsServerProcess hub = fabric.hub();
        Connection nats = NatsClients.connect(NatsClients.options("bench-publish-check", hub.clientUrl(),
                fabric.credentials(new Identity.HubService())).build());
        try {
            return new HubState(nats, hub, fleetService, regions);
        } catch (IOException | RuntimeException e) {
            nats.close();
            throw e;
        }
    }

    /**
     * The hub's JetStream at one moment.
     *
     * @param intents          last revision of KV {@code intents} (its stream's last sequence)
     * @param desired          last revision of KV {@code desired}
     * @param intentsConsumers consumers on KV {@code intents}' stream
     * @param desiredConsumers consumers on KV {@code desired}'s stream: the long-lived ones (the hub's watch) and
     *                         the ephemeral ones key listings leave behind until the server reaps them
     * @param jsApiRequests    JetStream API requests the hub's nats-server has served ({@code /varz})
     */
    record Snapshot(long intents, long desired, long intentsConsumers, long desiredConsumers, long jsApiRequests) {}

    /** The hub's JetStream now; IO failures unchecked, so a probe can take it. */
    Snapshot snapshot() {
        try {
            StreamState intents = streamState(Subjects.KV_INTENTS);
            StreamState desiredState = streamState(Subjects.KV_DESIRED);
            long api = hub.monitor("/varz").path("jetstream").path("stats").path("api").path("total").asLong(-1);
            return new Snapshot(intents.getLastSequence(), desiredState.getLastSequence(), intents.getConsumerCount(),
                    desiredState.getConsumerCount(), api);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (JetStreamApiException e) {
            throw new IllegalStateException("the hub's JetStream refused a stream info request: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the hub's JetStream state", e);
        }
    }

    private StreamState streamState(String bucket) throws IOException, JetStreamApiException, InterruptedException {
        return buckets.getStatus(bucket).getBackingStreamInfo().getStreamState();
    }

    /**
     * Compares the hub's state between {@code before} and {@code after} (taken around the level) and
     * now with what the level's publishes were answered.
     */
    Verification verify(Snapshot before, Snapshot after, Outcome<?> outcome) throws IOException, JetStreamApiException {
        List<String> problems = new ArrayList<>();
        long changes = outcome.succeeded() - outcome.unchanged();
        long intentsExpected = changes;
        long desiredExpected = changes * regions.size();
        if (after.intents() - before.intents() != intentsExpected) {
            problems.add("KV " + Subjects.KV_INTENTS + " advanced by " + (after.intents() - before.intents())
                    + " revisions, expected " + intentsExpected);
        }
        if (after.desired() - before.desired() != desiredExpected) {
            problems.add("KV " + Subjects.KV_DESIRED + " advanced by " + (after.desired() - before.desired())
                    + " revisions, expected " + desiredExpected);
        }

        Map<String, IntentSummary> listed = listIntents();
        int listedMatching = 0;
        int docsMatching = 0;
        for (Map.Entry<String, Published> e : new TreeMap<>(outcome.lastByApp()).entrySet()) {
            String app = e.getKey();
            Published last = e.getValue();
            IntentSummary s = listed.get(app);
            if (s == null) {
                problems.add("ListIntents does not list " + app);
            } else if (s.getIntentRevision() != last.revision() || !s.getBundleVersion().equals(last.version())) {
                problems.add("ListIntents has " + app + " at revision " + s.getIntentRevision() + " version "
                        + s.getBundleVersion() + ", last published " + last.revision() + " version " + last.version());
            } else {
                listedMatching++;
            }
            for (String region : regions) {
                String problem = desiredDocProblem(region, app, last);
                if (problem == null) {
                    docsMatching++;
                } else {
                    problems.add(problem);
                }
            }
        }
        return Verification.of(outcome.lastByApp().size(), listedMatching, docsMatching,
                intentsExpected, after.intents() - before.intents(), desiredExpected, after.desired() - before.desired(),
                problems);
    }

    /** Every live intent's summary by app, all pages. */
    private Map<String, IntentSummary> listIntents() {
        Map<String, IntentSummary> byApp = new HashMap<>();
        String token = "";
        do {
            ListIntentsResponse page = fleetService.listIntents(
                    ListIntentsRequest.newBuilder().setPageSize(1000).setPageToken(token).build());
            page.getIntentsList().forEach(s -> byApp.put(s.getApp(), s));
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return byApp;
    }

    /** Null when the region's app doc has {@code last} as its stable release, else what is wrong. */
    private String desiredDocProblem(String region, String app, Published last) throws IOException, JetStreamApiException {
        String key = Subjects.desiredAppKey(region, app);
        KeyValueEntry entry = desired.get(key);
        if (entry == null || entry.getValue() == null) {
            return "KV " + Subjects.KV_DESIRED + " has no " + key;
        }
        DesiredDoc doc;
        try {
            doc = DesiredDoc.parseFrom(entry.getValue());
        } catch (InvalidProtocolBufferException ex) {
            return "KV " + Subjects.KV_DESIRED + " " + key + " is not a DesiredDoc: " + ex.getMessage();
        }
        if (doc.getIntentRevision() != last.revision() || doc.getRolloutState() != RolloutState.STABLE
                || !doc.getStable().getBundle().getVersion().equals(last.version())) {
            return "KV " + Subjects.KV_DESIRED + " " + key + " is at intent revision " + doc.getIntentRevision() + " ("
                    + doc.getRolloutState() + ", stable version " + doc.getStable().getBundle().getVersion()
                    + "), last published " + last.revision() + " version " + last.version();
        }
        return null;
    }

    @Override
    public void close() throws InterruptedException {
        nats.close();
    }
}
