package io.cascade.hub.registration;

import static io.cascade.hub.registration.BootstrapTokensIT.assertRefused;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.BootstrapToken;
import io.cascade.proto.CreateTokenRequest;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.RegisterSiteRequest;
import io.cascade.proto.RegisterSiteResponse;
import io.cascade.proto.RevokeTokenRequest;
import io.cascade.proto.SiteRecord;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.UserCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RegisterSite on a real hub and relays: a device with a token and its own key joins and connects;
 * every way to misuse a token is refused with a message that says which, and counted.
 */
class RegisterSiteIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    static final SecureRandom RANDOM = new SecureRandom();
    /** A device's channel: the fleet CA, no operator credential. */
    static ManagedChannel device;

    @BeforeAll
    static void openDeviceChannel() {
        device = HubExtension.channel(FABRIC, HUB.hub().grpcPort(), null);
    }

    @AfterAll
    static void closeDeviceChannel() throws InterruptedException {
        device.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    static FleetServiceGrpc.FleetServiceBlockingStub asDevice() {
        return FleetServiceGrpc.newBlockingStub(device).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    static String token(String region, int uses, String... labels) {
        CreateTokenRequest.Builder b = CreateTokenRequest.newBuilder().setRegion(region).setMaxUses(uses);
        for (int i = 0; i < labels.length; i += 2) {
            b.putLabels(labels[i], labels[i + 1]);
        }
        return HUB.fleet().createToken(b.build()).getToken();
    }

    static NKey newKey() throws Exception {
        return NKey.createUser(RANDOM);
    }

    static RegisterSiteRequest.Builder request(String token, String site, NKey key) throws Exception {
        return RegisterSiteRequest.newBuilder().setToken(token).setSite(site).setPublicKey(new String(key.getPublicKey()));
    }

    static double registrations(String outcome) {
        var c = HUB.meters().find(Registrar.METRIC).tag("outcome", outcome).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void aDeviceWithATokenAndItsOwnKeyJoinsAndConnectsToItsRelay() throws Exception {
        String token = token("eu", 2, "tier", "store");
        NKey key = newKey();
        double before = registrations("registered");

        RegisterSiteResponse joined = asDevice().registerSite(request(token, "reg-eu-0001", key).putLabels("tier", "store").build());

        assertThat(joined.getRegion()).isEqualTo("eu");
        assertThat(joined.getLabelsMap()).isEqualTo(Map.of("tier", "store", "region", "eu"));
        assertThat(joined.getRelayUrlsList()).containsExactly(FABRIC.relay("eu").clientUrl());
        assertThat(joined.getCaPem().trim()).isEqualTo(FABRIC.fabric().trust().caPem().trim());
        UserCredentials creds = new UserCredentials(joined.getUserJwt(), new String(key.getSeed()), joined.getInboxPrefix(),
                joined.getCaPem());
        assertThat(creds.name()).isEqualTo("site-reg-eu-0001");
        assertThat(creds.publicKey()).isEqualTo(new String(key.getPublicKey()));
        assertThat(registrations("registered")).isEqualTo(before + 1);

        // the site set has it, with its key, as a registered site
        SiteRecord record = HUB.hub().sites().get("reg-eu-0001").orElseThrow();
        assertThat(record.getSource()).isEqualTo(SiteRecord.Source.REGISTERED);
        assertThat(record.getPublicKey()).isEqualTo(creds.publicKey());
        assertThat(record.getLabelsMap()).containsEntry("tier", "store");

        // the use is recorded: site, key, time, caller address
        String id = token.split("\\.")[1];
        assertThat(BootstrapToken.parseFrom(HUB.tokens().get(id).getValue()).getUsed()).isEqualTo(1);
        BootstrapToken listed = HUB.fleet().listTokens(io.cascade.proto.ListTokensRequest.getDefaultInstance()).getTokensList()
                .stream().filter(t -> t.getId().equals(id)).findFirst().orElseThrow();
        assertThat(io.cascade.proto.TokenUse.parseFrom(HUB.tokens().get(BootstrapTokens.useKey(id, creds.publicKey())).getValue())
                .getSite()).isEqualTo("reg-eu-0001");
        assertThat(listed.getUsesList()).singleElement().satisfies(u -> {
            assertThat(u.getSite()).isEqualTo("reg-eu-0001");
            assertThat(u.getPublicKey()).isEqualTo(creds.publicKey());
            assertThat(u.getCallerAddress()).contains("127.0.0.1");
            assertThat(Instant.ofEpochSecond(u.getAt().getSeconds())).isBetween(Instant.now().minusSeconds(60), Instant.now());
        });

        // it connects to its relay over TLS with the answer and its own seed, and may report its status
        try (Connection c = Nats.connect(NatsClients.options("reg-eu-0001", joined.getRelayUrls(0), creds).maxReconnects(0).build())) {
            c.publish(Subjects.status("eu", "reg-eu-0001"), new byte[0]);
            c.flush(Duration.ofSeconds(5));
            assertThat(c.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }

        // a retry after a lost answer takes no second use
        RegisterSiteResponse again = asDevice().registerSite(request(token, "reg-eu-0001", key).build());
        assertThat(again.getRegion()).isEqualTo("eu");
        assertThat(BootstrapToken.parseFrom(HUB.tokens().get(id).getValue()).getUsed()).isEqualTo(1);
    }

    @Test
    void aCapturedAnswerIsUselessToAnotherDeviceWithoutTheSeed() throws Exception {
        NKey key = newKey();
        RegisterSiteResponse joined = asDevice().registerSite(request(token("eu", 1), "reg-eu-0002", key).build());
        UserCredentials real = new UserCredentials(joined.getUserJwt(), new String(key.getSeed()), joined.getInboxPrefix(),
                joined.getCaPem());
        // the thief presents the captured JWT and signs the server's nonce with a key of its own
        NKey thiefKey = newKey();
        io.nats.client.AuthHandler thief = new io.nats.client.AuthHandler() {
            @Override
            public byte[] sign(byte[] nonce) {
                try {
                    return thiefKey.sign(nonce);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public char[] getID() {
                return null;
            }

            @Override
            public char[] getJWT() {
                return joined.getUserJwt().toCharArray();
            }
        };
        assertThatThrownBy(() -> Nats.connect(NatsClients.options("thief", joined.getRelayUrls(0), real).authHandler(thief)
                .maxReconnects(0).connectionTimeout(FabricExtension.REFUSAL_WAIT).build()))
                .hasMessageContaining("Authorization Violation");
    }

    @Test
    void expiredUsedUpAndRevokedTokensAreRefusedSayingWhich() throws Exception {
        String used = token("eu", 1);
        asDevice().registerSite(request(used, "reg-eu-0003", newKey()).build());
        assertRefused(() -> asDevice().registerSite(request(used, "reg-eu-0004", newKey()).build()), Status.Code.UNAUTHENTICATED,
                "is used up: all 1 of its uses are taken");

        String revoked = token("eu", 5);
        HUB.fleet().revokeToken(RevokeTokenRequest.newBuilder().setId(revoked).build());
        assertRefused(() -> asDevice().registerSite(request(revoked, "reg-eu-0005", newKey()).build()), Status.Code.UNAUTHENTICATED,
                "was revoked at", "by test");

        // expiry: the stored token's expiry moved into the past, as time would
        String expired = token("eu", 5);
        String id = expired.split("\\.")[1];
        BootstrapToken t = BootstrapToken.parseFrom(HUB.tokens().get(id).getValue());
        HUB.tokens().put(id, t.toBuilder().setExpiresAt(BootstrapTokens.timestamp(Instant.now().minusSeconds(1))).build().toByteArray());
        double expiredBefore = registrations("expired");
        assertRefused(() -> asDevice().registerSite(request(expired, "reg-eu-0006", newKey()).build()), Status.Code.UNAUTHENTICATED,
                "expired at");
        assertThat(registrations("expired")).isEqualTo(expiredBefore + 1);
        assertThat(HUB.hub().sites().get("reg-eu-0004")).isEmpty();
        assertThat(HUB.hub().sites().get("reg-eu-0006")).isEmpty();
    }

    @Test
    void aTokenBindsItsRegionAndLabelsAndANameTakenWithAnotherKeyIsRefused() throws Exception {
        String token = token("eu", 10, "tier", "store");
        assertRefused(() -> asDevice().registerSite(request(token, "reg-us-0001", newKey()).setRegion("us").build()),
                Status.Code.PERMISSION_DENIED, "is for region eu, not us");
        assertRefused(() -> asDevice().registerSite(request(token, "reg-eu-0007", newKey()).putLabels("tier", "warehouse").build()),
                Status.Code.PERMISSION_DENIED, "labels [tier=warehouse] are outside bootstrap token");
        assertRefused(() -> asDevice().registerSite(request(token, "reg-eu-0007", newKey()).putLabels("gpu", "yes").build()),
                Status.Code.PERMISSION_DENIED, "[gpu=yes]");

        asDevice().registerSite(request(token, "reg-eu-0008", newKey()).build());
        assertRefused(() -> asDevice().registerSite(request(token, "reg-eu-0008", newKey()).build()), Status.Code.ALREADY_EXISTS,
                "site \"reg-eu-0008\" is already in the fleet", "with another key");
        // a site of the fleet file too
        assertRefused(() -> asDevice().registerSite(request(token, "store-eu-0001", newKey()).build()), Status.Code.ALREADY_EXISTS,
                "from the fleet file");
        // refusals took no uses: 1 of 10 taken
        assertThat(BootstrapToken.parseFrom(HUB.tokens().get(token.split("\\.")[1]).getValue()).getUsed()).isEqualTo(1);
    }

    @Test
    void garbageIsRefusedCountedAndTheHubGoesOnServing() throws Exception {
        double malformed = registrations("malformed");
        double unknown = registrations("unknown");
        double badSecret = registrations("bad-secret");
        double invalid = registrations("invalid");
        String real = token("eu", 1);
        int n = 0;
        for (int i = 0; i < 100; i++, n += 4) {
            byte[] junk = new byte[RANDOM.nextInt(2000)];
            RANDOM.nextBytes(junk);
            String text = new String(junk, java.nio.charset.StandardCharsets.ISO_8859_1);
            assertRefused(() -> asDevice().registerSite(request(text, "garbage", newKey()).build()), Status.Code.UNAUTHENTICATED);
            assertRefused(() -> asDevice().registerSite(request("cbt1." + String.format("%016x", RANDOM.nextLong()) + ".x", "garbage",
                    newKey()).build()), Status.Code.UNAUTHENTICATED, "not known at this hub");
            assertRefused(() -> asDevice().registerSite(request(real.substring(0, real.lastIndexOf('.')) + ".wrong", "garbage",
                    newKey()).build()), Status.Code.UNAUTHENTICATED, "its secret part is wrong");
            assertRefused(() -> asDevice().registerSite(RegisterSiteRequest.newBuilder().setToken(real).setSite("Not A Name!")
                    .setPublicKey("nope").build()), Status.Code.INVALID_ARGUMENT, "is not a site name");
        }
        assertThat(registrations("malformed") - malformed + registrations("unknown") - unknown).isEqualTo(200);
        assertThat(registrations("bad-secret") - badSecret).isEqualTo(100);
        assertThat(registrations("invalid") - invalid).isEqualTo(100);
        System.out.printf("%d garbage registrations refused and counted%n", n);
        // the real token still works after all that
        asDevice().registerSite(request(real, "reg-eu-0009", newKey()).build());
        assertThat(HUB.hub().sites().get("reg-eu-0009")).isPresent();
    }

    @Test
    void aRebuiltDeviceRegistersOnceWithANewKeyAfterAnOperatorAllowsIt() throws Exception {
        String token = token("eu", 5);
        asDevice().registerSite(request(token, "reg-eu-0010", newKey()).build());
        NKey rebuilt = newKey();
        assertRefused(() -> asDevice().registerSite(request(token, "reg-eu-0010", rebuilt).build()), Status.Code.ALREADY_EXISTS,
                "cascade sites rebuild reg-eu-0010");

        SiteRecord allowed = HUB.fleet().allowRebuild(io.cascade.proto.AllowRebuildRequest.newBuilder().setSite("reg-eu-0010")
                .build()).getSite();
        assertThat(allowed.getRebuildAllowedUntil().getSeconds() - Instant.now().getEpochSecond()).isBetween(86_300L, 86_400L);
        // another region's token cannot move it
        assertRefused(() -> asDevice().registerSite(request(token("us", 1), "reg-eu-0010", rebuilt).build()),
                Status.Code.PERMISSION_DENIED, "is in region eu");
        asDevice().registerSite(request(token, "reg-eu-0010", rebuilt).build());
        SiteRecord now = HUB.hub().sites().get("reg-eu-0010").orElseThrow();
        assertThat(now.getPublicKey()).isEqualTo(new String(rebuilt.getPublicKey()));
        assertThat(now.hasRebuildAllowedUntil()).as("the allowance is used up").isFalse();
        assertRefused(() -> asDevice().registerSite(request(token, "reg-eu-0010", newKey()).build()), Status.Code.ALREADY_EXISTS);

        assertRefused(() -> HUB.fleet().allowRebuild(io.cascade.proto.AllowRebuildRequest.newBuilder().setSite("reg-eu-9999").build()),
                Status.Code.NOT_FOUND, "the fleet has no site \"reg-eu-9999\"");
    }
}
