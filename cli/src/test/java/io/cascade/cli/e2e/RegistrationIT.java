package io.cascade.cli.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cascade.edge.EdgeConfig;
import io.cascade.edge.EdgeHost;
import io.cascade.edge.EdgeNode;
import io.cascade.edge.registration.SiteIdentity;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.RevisionRollup;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Joining the fleet with a bootstrap token, through the {@code cascade} commands, on real servers. */
class RegistrationIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void anOperatorMakesListsAndRevokesTokens() throws Exception {
        try (FleetHarness fleet = new FleetHarness(FABRIC, site -> io.cascade.edge.provider.Providers.fromSpec("sim:seed=1"))) {
            FleetHarness.Run made = fleet.cascade("token", "create", "--region", "eu", "--labels", "tier=store,country=de",
                    "--uses", "5", "--ttl", "2h");
            assertThat(made.exitCode()).as(made.err()).isZero();
            String token = made.out().trim();
            assertThat(token).matches("cbt1\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}");
            String id = token.split("\\.")[1];
            assertThat(made.err()).contains("token " + id + ": region eu, labels country=de,region=eu,tier=store, 5 use(s)",
                    "cascade token revoke " + id);

            FleetHarness.Run list = fleet.cascade("token", "list");
            assertThat(list.exitCode()).as(list.err()).isZero();
            assertThat(list.out()).contains("ID", "STATE").containsPattern(id + " +active +eu +country=de,region=eu,tier=store +0/5");
            assertThat(list.out()).doesNotContain(token.split("\\.")[2]);

            FleetHarness.Run revoked = fleet.cascade("token", "revoke", id);
            assertThat(revoked.exitCode()).as(revoked.err()).isZero();
            assertThat(revoked.out()).contains("token " + id + " revoked");
            assertThat(fleet.cascade("token", "list").out()).containsPattern(id + " +revoked");

            FleetHarness.Run bad = fleet.cascade("token", "create", "--region", "asia");
            assertThat(bad.exitCode()).isNotZero();
            assertThat(bad.err()).contains("unknown region \"asia\"");
        }
    }

    static final String SITE = "reg-eu-0100";

    /** Sites the hub's rollup counts READY at {@code revision} of {@code app}. */
    static long ready(FleetHarness fleet, String app, long revision) {
        return fleet.fleetService.withDeadlineAfter(10, TimeUnit.SECONDS)
                .getRollup(GetRollupRequest.newBuilder().setApp(app).build()).getRollup().getAppsList().stream()
                .flatMap(a -> a.getCounts().getRevisionsList().stream())
                .filter(r -> r.getIntentRevision() == revision).mapToLong(RevisionRollup::getReady).sum();
    }

    static EdgeHost start(SiteIdentity id, Path journal) throws Exception {
        return EdgeHost.start(List.of(new EdgeConfig(SITE, id.region(), id.labels(), id.relayUrls().get(0), Optional.empty(),
                Optional.of(id.credentials()))), FleetHarness.FAST, journal, site -> io.cascade.edge.provider.Providers.fromSpec("sim"));
    }

    /**
     * The packaged edge ({@link PackagedEdge}: gRPC, netty and Bouncy Castle are not on its class path but in
     * lib/register) joins with {@code --register}, is targeted and counted, and starts again without the token.
     */
    @Test
    void thePackagedEdgeJoinsWithATokenAndStartsAgainWithoutIt() throws Exception {
        try (FleetHarness fleet = new FleetHarness(FABRIC, site -> io.cascade.edge.provider.Providers.fromSpec("sim"))) {
            String site = "reg-eu-0300";
            String token = fleet.cascade("token", "create", "--region", "eu", "--labels", "tier=store,cohort=packaged").out().trim();
            long revision = fleet.publish(Intents.app("packaged-app", "1", Map.of("cohort", "packaged"), List.of()).build())
                    .getIntentRevision();
            Path journal = FABRIC.newDir("packaged").resolve("journal");
            Path log1 = journal.resolveSibling("edge-1.log");
            Process joined = PackagedEdge.start(journal, log1, "--site", site, "--region", "eu", "--provider", "sim",
                    "--register", token, "--hub", "127.0.0.1:" + fleet.hub.grpcPort(), "--ca", FABRIC.caFile().toString());
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> ready(fleet, "packaged-app", revision) == 1);
            } finally {
                joined.destroy();
                joined.waitFor(20, TimeUnit.SECONDS);
            }
            assertThat(EdgeCrashIT.read(log1)).contains("site " + site + ": registered in region eu");
            assertThat(journal.resolve("identity").resolve(site + ".creds")).exists();
            assertThat(journal.resolve("identity").resolve(site + ".seed")).doesNotExist();

            Path log2 = journal.resolveSibling("edge-2.log");
            Process again = PackagedEdge.start(journal, log2, "--site", site, "--region", "eu", "--provider", "sim");
            try {
                await().atMost(Duration.ofSeconds(60)).until(() -> EdgeCrashIT.read(log2).contains("synced (start)"));
            } finally {
                again.destroy();
                again.waitFor(20, TimeUnit.SECONDS);
            }
            assertThat(EdgeCrashIT.read(log2)).doesNotContain("registered in region");
        }
    }

    @Test
    void aDeviceJoinsWithATokenIsTargetedCountedAndListedComesBackWithoutItAndIsRemovedEverywhere() throws Exception {
        try (FleetHarness fleet = new FleetHarness(FABRIC, site -> io.cascade.edge.provider.Providers.fromSpec("sim"))) {
            String token = fleet.cascade("token", "create", "--region", "eu", "--labels", "tier=store,cohort=joined").out().trim();
            Path device = FABRIC.newDir("device");
            Path identityDir = device.resolve("identity");
            SiteIdentity.Hub hub = new SiteIdentity.Hub("127.0.0.1:" + fleet.hub.grpcPort(), FABRIC.caFile());

            SiteIdentity joined = SiteIdentity.loadOrRegister(identityDir, SITE, "eu", Map.of("tier", "store"), Optional.of(token),
                    Optional.of(hub));
            assertThat(joined.labels()).containsEntry("cohort", "joined").containsEntry("region", "eu");
            assertThat(Files.getPosixFilePermissions(identityDir.resolve(SITE + ".creds")))
                    .isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(identityDir.resolve(SITE + ".seed")).doesNotExist();

            // targeted by a selector like any site, applied, counted at the hub, listed
            long revision = fleet.publish(Intents.app("joined-app", "1", Map.of("cohort", "joined"), List.of()).build())
                    .getIntentRevision();
            EdgeHost host = start(joined, device.resolve("journal"));
            await().atMost(Duration.ofSeconds(30)).until(() -> ready(fleet, "joined-app", revision) == 1);
            await().atMost(Duration.ofSeconds(15)).until(() -> fleet.cascade("sites", "--region", "eu").out().contains(SITE));
            host.close();

            // a second start needs no token: the same identity (same key) comes from beside the journal
            SiteIdentity again = SiteIdentity.loadOrRegister(identityDir, SITE, "eu", Map.of(), Optional.empty(), Optional.empty());
            assertThat(again.credentials().publicKey()).isEqualTo(joined.credentials().publicKey());
            host = start(again, device.resolve("journal"));
            EdgeNode node = host.edges().get(0);
            await().atMost(Duration.ofSeconds(15)).until(() -> node.connection().getStatus() == Connection.Status.CONNECTED);

            // removed everywhere: its hub-signed key is revoked, its connection closed, it stays out
            FleetHarness.Run removed = fleet.cascade("sites", "remove", SITE, "--servers", FABRIC.hub().clientUrl(),
                    "--trust-dir", FABRIC.fabric().trust().dir().toString());
            assertThat(removed.exitCode()).as(removed.out() + removed.err()).isZero();
            assertThat(removed.out()).contains("revoked 1 credential(s) of site " + SITE);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.connection().getStatus() != Connection.Status.CONNECTED);
            assertThat(fleet.hub.sites().get(SITE)).isEmpty();
            assertThatThrownBy(() -> SiteRemovalIT.refusedConnect(FABRIC.relay("eu"), again.credentials()))
                    .hasMessageContaining("Authorization Violation");
            host.close();

            // it may come back only with a new token and a new key: not with its old key
            String third = fleet.cascade("token", "create", "--region", "eu", "--labels", "tier=store").out().trim();
            io.nats.client.NKey oldKey = io.nats.client.NKey.fromSeed(again.credentials().seed().toCharArray());
            assertThatThrownBy(() -> io.cascade.proto.FleetServiceGrpc.newBlockingStub(fleet.channel)
                    .registerSite(io.cascade.proto.RegisterSiteRequest.newBuilder().setToken(third).setSite(SITE)
                            .setPublicKey(new String(oldKey.getPublicKey())).build()))
                    .hasMessageContaining("ALREADY_EXISTS").hasMessageContaining("was removed").hasMessageContaining("with this key");
            Path rebuilt = FABRIC.newDir("rebuilt").resolve("identity");
            assertThatThrownBy(() -> SiteIdentity.loadOrRegister(rebuilt, SITE, "eu", Map.of(), Optional.of(token), Optional.of(hub)))
                    .hasMessageContaining("used up");
            String second = fleet.cascade("token", "create", "--region", "eu", "--labels", "tier=store").out().trim();
            SiteIdentity back = SiteIdentity.loadOrRegister(rebuilt, SITE, "eu", Map.of(), Optional.of(second), Optional.of(hub));
            assertThat(back.credentials().publicKey()).isNotEqualTo(joined.credentials().publicKey());
            try (Connection c = SiteRemovalIT.connect(FABRIC.relay("eu"), back.credentials())) {
                assertThat(c.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
        }
    }

    @Test
    void aRebuiltDeviceTakesOverItsSiteAndTheOldOneIsLockedOut() throws Exception {
        String site = "reg-eu-0200";
        try (FleetHarness fleet = new FleetHarness(FABRIC, s -> io.cascade.edge.provider.Providers.fromSpec("sim"))) {
            SiteIdentity.Hub hub = new SiteIdentity.Hub("127.0.0.1:" + fleet.hub.grpcPort(), FABRIC.caFile());
            String token = fleet.cascade("token", "create", "--region", "eu", "--uses", "2").out().trim();
            SiteIdentity old = SiteIdentity.loadOrRegister(FABRIC.newDir("old").resolve("identity"), site, "eu", Map.of(),
                    Optional.of(token), Optional.of(hub));
            Connection held = SiteRemovalIT.connect(FABRIC.relay("eu"), old.credentials());

            Path fresh = FABRIC.newDir("new").resolve("identity");
            assertThatThrownBy(() -> SiteIdentity.loadOrRegister(fresh, site, "eu", Map.of(), Optional.of(token), Optional.of(hub)))
                    .hasMessageContaining("ALREADY_EXISTS").hasMessageContaining("cascade sites rebuild " + site);

            FleetHarness.Run r = fleet.cascade("sites", "rebuild", site, "--servers", FABRIC.hub().clientUrl(),
                    "--trust-dir", FABRIC.fabric().trust().dir().toString());
            assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
            assertThat(r.out()).contains("revoked 1 credential(s) of site " + site, "may register once with a new key");
            await().atMost(Duration.ofSeconds(10)).until(() -> held.getStatus() != Connection.Status.CONNECTED);
            held.close();

            // the pending seed of the refused attempt is reused: still a key the old device never had
            SiteIdentity renewed = SiteIdentity.loadOrRegister(fresh, site, "eu", Map.of(), Optional.of(token), Optional.of(hub));
            assertThat(renewed.credentials().publicKey()).isNotEqualTo(old.credentials().publicKey());
            try (Connection c = SiteRemovalIT.connect(FABRIC.relay("eu"), renewed.credentials())) {
                assertThat(c.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            }
            assertThatThrownBy(() -> SiteRemovalIT.refusedConnect(FABRIC.relay("eu"), old.credentials()))
                    .hasMessageContaining("Authorization Violation");
        }
    }
}
