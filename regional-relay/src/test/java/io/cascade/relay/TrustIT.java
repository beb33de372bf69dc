package io.cascade.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.ForgetSiteReply;
import io.cascade.proto.ForgetSiteRequest;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.StatusAck;
import io.cascade.proto.SyncRequest;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.AccountUpdates;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The trust model on real servers in operator mode: each refusal comes from nats-server itself,
 * and each test checks that nothing changed where the refused message would have gone.
 */
class TrustIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();
    static final Duration QUIET = Duration.ofMillis(700);
    static final String A = "store-eu-0001";
    static final String B = "store-eu-0002";

    static Connection hub;
    static Relay relay;
    /** Sees everything that moves on relay eu's Cascade subjects. */
    static Connection observer;

    @BeforeAll
    static void start() throws Exception {
        hub = FABRIC.connectHub();
        for (String bucket : List.of(Subjects.KV_DESIRED, Subjects.KV_ROLLUP)) {
            hub.keyValueManagement().create(KeyValueConfiguration.builder().name(bucket).maxHistoryPerKey(1)
                    .storageType(StorageType.File).build());
        }
        relay = Relay.start(new RelayConfig("eu", FABRIC.relay("eu").clientUrl(), FABRIC.fleet(), FABRIC.relayCredentials("eu")));
        observer = FABRIC.connectTool(FABRIC.relay("eu"), "observer", List.of(), List.of("cascade.>", "$KV.>"));
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable c : new AutoCloseable[] {observer, relay, hub}) {
            if (c != null) {
                c.close();
            }
        }
    }

    /** A site's connection that records the servers' permission errors. */
    record SiteConnection(Connection nats, List<String> errors) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            nats.close();
        }
    }

    static SiteConnection site(String name) throws Exception {
        return connect(FABRIC.relay("eu"), FABRIC.credentials(new Identity.Site("eu", name)));
    }

    static SiteConnection connect(NatsServerProcess server, UserCredentials creds) throws Exception {
        List<String> errors = new CopyOnWriteArrayList<>();
        var options = NatsClients.options("trust-it-" + creds.name(), server.clientUrl(), creds).maxReconnects(0)
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        errors.add(error);
                    }
                }).build();
        return new SiteConnection(Nats.connect(options), errors);
    }

    /** Subscribes the observer to {@code subject}, runs {@code action}, and returns what the observer saw. */
    static List<Message> observe(String subject, ThrowingRunnable action) throws Exception {
        Subscription sub = observer.subscribe(subject);
        observer.flush(Duration.ofSeconds(2));
        action.run();
        List<Message> seen = new java.util.ArrayList<>();
        Message m;
        while ((m = sub.nextMessage(QUIET)) != null) {
            seen.add(m);
        }
        sub.unsubscribe();
        return seen;
    }

    interface ThrowingRunnable {
        void run() throws Exception;
    }

    static SiteStatus report(String site, long seq) {
        return SiteStatus.newBuilder().setSite(site).setRegion("eu").setOutboxSequence(seq)
                .addApps(AppStatus.newBuilder().setApp("web").setIntentRevision(1).setState(AppState.READY)).build();
    }

    static void awaitError(SiteConnection c, String fragment) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(c.errors()).anyMatch(e -> e.contains("Permissions Violation") && e.contains(fragment)));
    }

    @Test
    void aSiteCannotPublishAnotherSitesStatusNorSyncAsIt() throws Exception {
        try (SiteConnection a = site(A)) {
            List<Message> seen = observe("cascade.>", () -> {
                a.nats().publish(Subjects.status("eu", B), report(B, 1).toByteArray());
                a.nats().publish(Subjects.sync("eu", B), SyncRequest.newBuilder().setSite(B).setRegion("eu").build().toByteArray());
                a.nats().flush(Duration.ofSeconds(2));
            });
            assertThat(seen).isEmpty();
            awaitError(a, Subjects.status("eu", B));
            awaitError(a, Subjects.sync("eu", B));
            assertThat(relay.sites().latest(B)).isEmpty();
            // its own status is fine
            Message ack = a.nats().request(Subjects.status("eu", A), report(A, 1).toByteArray(), Duration.ofSeconds(5));
            assertThat(StatusAck.parseFrom(ack.getData()).getAckedSequence()).isEqualTo(1);
        }
    }

    @Test
    void aSiteCannotReadAnotherSitesOverridesAndNoSitePublishesDeltasOrBeacons() throws Exception {
        try (SiteConnection a = site(A)) {
            Subscription theirs = a.nats().subscribe(Subjects.siteDeltas("eu", B));
            Subscription own = a.nats().subscribe(Subjects.siteDeltas("eu", A));
            a.nats().flush(Duration.ofSeconds(2));
            awaitError(a, "Subscription");
            try (Connection relayService = FABRIC.connectRelay("eu")) {
                relayService.publish(Subjects.siteDelta("eu", B, "web"), "for B".getBytes());
                relayService.publish(Subjects.siteDelta("eu", A, "web"), "for A".getBytes());
                relayService.flush(Duration.ofSeconds(2));
            }
            assertThat(own.nextMessage(Duration.ofSeconds(2))).isNotNull();
            assertThat(theirs.nextMessage(QUIET)).isNull();

            List<Message> seen = observe("cascade.>", () -> {
                a.nats().publish(Subjects.appDelta("eu", "web"), "forged".getBytes());
                a.nats().publish(Subjects.siteDelta("eu", B, "web"), "forged".getBytes());
                a.nats().publish(Subjects.beacon("eu"), "forged".getBytes());
                a.nats().flush(Duration.ofSeconds(2));
            });
            assertThat(seen).isEmpty();
            awaitError(a, Subjects.beacon("eu"));
        }
    }

    @Test
    void aSiteCannotTouchJetStreamOrKv() throws Exception {
        long before = relay.statusIntake().persisted();
        try (SiteConnection a = site(A)) {
            List<Message> seen = observe("$KV.>", () -> {
                a.nats().publish("$KV." + Subjects.KV_STATUS + "." + B, report(B, 9).toByteArray());
                a.nats().flush(Duration.ofSeconds(2));
            });
            assertThat(seen).isEmpty();
            awaitError(a, "$KV." + Subjects.KV_STATUS + "." + B);
            assertThatThrownBy(() -> a.nats().jetStreamManagement().getStreamNames())
                    .isInstanceOfAny(IOException.class, JetStreamApiException.class, IllegalStateException.class);
            awaitError(a, "$JS.API");
        }
        assertThat(relay.sites().latest(B)).isEmpty();
        assertThat(relay.statusIntake().persisted()).isEqualTo(before);
    }

    @Test
    void relayEuCannotWriteTheRollupOfUs() throws Exception {
        try (Connection eu = FABRIC.connectRelay("eu")) {
            KeyValue rollupsAtHub = eu.keyValue(Subjects.KV_ROLLUP, KeyValueOptions.builder().jsDomain(Subjects.HUB_DOMAIN)
                    .build());
            assertThatThrownBy(() -> rollupsAtHub.put("us", "forged".getBytes()))
                    .isInstanceOfAny(IOException.class, JetStreamApiException.class);
        }
        assertThat(hub.keyValue(Subjects.KV_ROLLUP).get("us")).isNull();
    }

    @Test
    void relayEuMirrorsOnlyItsOwnSliceOfDesiredState() throws Exception {
        hub.keyValue(Subjects.KV_DESIRED).put(Subjects.desiredAppKey("us", "spied"), "us only".getBytes());
        hub.keyValue(Subjects.KV_DESIRED).put(Subjects.desiredAppKey("eu", "spied"), "eu's".getBytes());
        try (Connection eu = FABRIC.connectRelay("eu")) {
            var jsm = eu.jetStreamManagement();
            for (String region : List.of("eu", "us")) {
                jsm.addStream(io.nats.client.api.StreamConfiguration.builder().name("SPY_" + region.toUpperCase())
                        .storageType(StorageType.Memory)
                        .mirror(io.nats.client.api.Mirror.builder().sourceName("KV_" + Subjects.KV_DESIRED)
                                .domain(Subjects.HUB_DOMAIN).filterSubject(Subjects.desiredRegionFilter(region)).build())
                        .build());
            }
            try {
                // the control: the same mirror on its own region's filter receives its keys
                await().atMost(Duration.ofSeconds(15)).until(() -> jsm.getStreamInfo("SPY_EU").getStreamState().getMsgCount() >= 1);
                // the hub's leaf user for eu refuses a consumer on us's keys: nothing arrives, for as
                // long as the eu mirror needed and more
                await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                        .until(() -> jsm.getStreamInfo("SPY_US").getStreamState().getMsgCount() == 0);
            } finally {
                jsm.deleteStream("SPY_EU");
                jsm.deleteStream("SPY_US");
            }
        }
    }

    @Test
    void theHubServiceWritesNoRollupAndReachesNoSite() throws Exception {
        KeyValue rollups = hub.keyValue(Subjects.KV_ROLLUP);
        var before = rollups.get("eu");
        try (SiteConnection h = connect(FABRIC.hub(), FABRIC.credentials(new io.cascade.topology.trust.Identity.HubService()))) {
            h.nats().publish("$KV." + Subjects.KV_ROLLUP + ".eu", "forged".getBytes());
            h.nats().publish(Subjects.siteDelta("eu", A, "web"), "forged".getBytes());
            h.nats().flush(Duration.ofSeconds(2));
            awaitError(h, "$KV." + Subjects.KV_ROLLUP + ".eu");
            awaitError(h, Subjects.siteDelta("eu", A, "web"));
        }
        var after = rollups.get("eu");
        assertThat(after == null ? -1 : after.getRevision()).isEqualTo(before == null ? -1 : before.getRevision());
    }

    @Test
    void noServerTakesAnAnonymousConnectionNorAJwtOfAnUnknownOperator(@org.junit.jupiter.api.io.TempDir Path dir) {
        // the fleet CA rides along, so TLS to the relays succeeds and the refusal is the server's authorization
        String fleetCa = FABRIC.fabric().trust().caPem();
        UserCredentials forged = TrustRoot.init(dir.resolve("other-trust")).issue(new Identity.Site("eu", A)).withCa(fleetCa);
        UserCredentials real = FABRIC.credentials(new Identity.Site("eu", A));
        Duration refusal = FabricExtension.REFUSAL_WAIT;
        for (NatsServerProcess server : List.of(FABRIC.hub(), FABRIC.relay("eu"), FABRIC.relay("us"))) {
            assertThatThrownBy(() -> Nats.connect(NatsClients.options("anonymous", server.clientUrl(), real).authHandler(null)
                    .maxReconnects(0).connectionTimeout(refusal).build()))
                    .as(server.name()).hasMessageContaining("Authorization Violation");
            assertThatThrownBy(() -> Nats.connect(NatsClients.options("forged", server.clientUrl(), forged).maxReconnects(0)
                    .connectionTimeout(refusal).build()))
                    .as(server.name()).hasMessageContaining("Authorization Violation");
        }
    }

    @Test
    void aRevokedSiteIsCutOffAtOnceAndItsRelayForgetsIt() throws Exception {
        String site = "store-eu-0003";
        UserCredentials creds = FABRIC.credentials(new Identity.Site("eu", site));
        try (SiteConnection open = connect(FABRIC.relay("eu"), creds)) {
            Message ack = open.nats().request(Subjects.status("eu", site), report(site, 1).toByteArray(), Duration.ofSeconds(5));
            assertThat(ack).isNotNull();
            assertThat(relay.sites().latest(site)).isPresent();

            TrustRoot trust = FABRIC.fabric().trust();
            TrustRoot.Revocation revoked = trust.revoke(new Identity.Site("eu", site).name());
            long t0 = System.nanoTime();
            // pushed to the hub alone: the relay's server learns it through its system-account leaf link
            List<AccountUpdates.Result> pushed = AccountUpdates.push(trust, revoked.accountJwt(), List.of(FABRIC.hub().clientUrl()));
            assertThat(pushed).allMatch(AccountUpdates.Result::applied);
            await().atMost(Duration.ofSeconds(5)).until(() -> open.nats().getStatus() != Connection.Status.CONNECTED);
            System.out.printf("revoked site's open connection closed %.0f ms after the push began%n", (System.nanoTime() - t0) / 1e6);
        }
        assertThatThrownBy(() -> Nats.connect(NatsClients.options("revoked", FABRIC.relay("eu").clientUrl(), creds)
                .maxReconnects(0).connectionTimeout(FabricExtension.REFUSAL_WAIT).build()))
                .hasMessageContaining("Authorization Violation");

        try (Connection operator = FABRIC.connect(FABRIC.hub(), new Identity.Operator())) {
            Message reply = operator.request(Subjects.forget("eu"), ForgetSiteRequest.newBuilder().setSite(site).build()
                    .toByteArray(), Duration.ofSeconds(5));
            assertThat(reply).as("the relay answers the forget request through the hub").isNotNull();
            assertThat(ForgetSiteReply.parseFrom(reply.getData()).getKnown()).isTrue();
        }
        assertThat(relay.sites().latest(site)).isEmpty();
        assertThat(relay.sites().scan("", v -> v.site().equals(site), 10)).isEmpty();
    }
}
