package io.cascade.hub.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.BootstrapToken;
import io.cascade.proto.CreateTokenRequest;
import io.cascade.proto.CreateTokenResponse;
import io.cascade.proto.ListTokensRequest;
import io.cascade.proto.RevokeTokenRequest;
import io.cascade.proto.TokenState;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.OperatorTokens.Role;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Bootstrap tokens at a real hub: made, listed, revoked, kept only hashed, refused when malformed. */
class BootstrapTokensIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    static CreateTokenRequest.Builder request() {
        return CreateTokenRequest.newBuilder().setRegion("eu").putLabels("tier", "store");
    }

    @Test
    void aTokenIsScopedExpiringCountedAndItsSecretIsKeptOnlyAsAHash() throws Exception {
        Instant before = Instant.now();
        CreateTokenResponse made = HUB.fleet().createToken(request().setMaxUses(3)
                .setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(3600)).build());

        assertThat(made.getToken()).matches("cbt1\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}");
        String[] parts = made.getToken().split("\\.");
        BootstrapToken info = made.getInfo();
        assertThat(info.getId()).isEqualTo(parts[1]);
        assertThat(info.getRegion()).isEqualTo("eu");
        assertThat(info.getLabelsMap()).isEqualTo(Map.of("tier", "store", "region", "eu"));
        assertThat(info.getMaxUses()).isEqualTo(3);
        assertThat(info.getState()).isEqualTo(TokenState.TOKEN_ACTIVE);
        assertThat(info.getCreatedBy()).isEqualTo("test");
        assertThat(info.getSecretSha256().isEmpty()).as("no hash in answers").isTrue();
        assertThat(info.getExpiresAt().getSeconds() - before.getEpochSecond()).isBetween(3599L, 3601L);

        byte[] stored = HUB.tokens().get(info.getId()).getValue();
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(parts[2]);
        assertThat(BootstrapToken.parseFrom(stored).getSecretSha256().toByteArray()).isEqualTo(BootstrapTokens.sha256(parts[2]));

        assertThat(HUB.fleet().listTokens(ListTokensRequest.getDefaultInstance()).getTokensList())
                .anySatisfy(t -> {
                    assertThat(t.getId()).isEqualTo(info.getId());
                    assertThat(t.getSecretSha256().isEmpty()).isTrue();
                });
    }

    @Test
    void defaultsAreOneUseForADayAndRevokingIsDurableAndIdempotent() throws Exception {
        CreateTokenResponse made = HUB.fleet().createToken(request().build());
        assertThat(made.getInfo().getMaxUses()).isEqualTo(1);
        assertThat(made.getInfo().getExpiresAt().getSeconds() - made.getInfo().getCreatedAt().getSeconds()).isEqualTo(86_400);

        // by its whole text, as an operator may paste it
        BootstrapToken revoked = HUB.fleet().revokeToken(RevokeTokenRequest.newBuilder().setId(made.getToken()).build()).getToken();
        assertThat(revoked.getState()).isEqualTo(TokenState.TOKEN_REVOKED);
        assertThat(revoked.getRevokedBy()).isEqualTo("test");
        BootstrapToken again = HUB.fleet().revokeToken(RevokeTokenRequest.newBuilder().setId(made.getInfo().getId()).build()).getToken();
        assertThat(again.getRevokedAt()).isEqualTo(revoked.getRevokedAt());
        assertThat(BootstrapToken.parseFrom(HUB.tokens().get(made.getInfo().getId()).getValue()).hasRevokedAt()).isTrue();
        assertThat(HUB.fleet().listTokens(ListTokensRequest.getDefaultInstance()).getTokensList())
                .filteredOn(t -> t.getId().equals(made.getInfo().getId()))
                .singleElement().extracting(BootstrapToken::getState).isEqualTo(TokenState.TOKEN_REVOKED);
    }

    @Test
    void malformedRequestsAreRefusedNamingTheField() {
        assertRefused(() -> HUB.fleet().createToken(request().setRegion("asia").build()), Status.Code.INVALID_ARGUMENT,
                "unknown region \"asia\"", "[eu, us]");
        assertRefused(() -> HUB.fleet().createToken(request().setRegion("").build()), Status.Code.INVALID_ARGUMENT, "region: required");
        assertRefused(() -> HUB.fleet().createToken(request().putLabels("Bad Key!", "x").build()), Status.Code.INVALID_ARGUMENT,
                "labels: label key");
        assertRefused(() -> HUB.fleet().createToken(request().putLabels("region", "us").build()), Status.Code.INVALID_ARGUMENT,
                "contradicts region eu");
        assertRefused(() -> HUB.fleet().createToken(request().setMaxUses(100_001).build()), Status.Code.INVALID_ARGUMENT,
                "max_uses");
        assertRefused(() -> HUB.fleet().createToken(request().setTtl(com.google.protobuf.Duration.newBuilder().setSeconds(30)).build()),
                Status.Code.INVALID_ARGUMENT, "ttl");
        assertRefused(() -> HUB.fleet().revokeToken(RevokeTokenRequest.newBuilder().setId("0123456789abcdef").build()),
                Status.Code.NOT_FOUND, "no bootstrap token has id 0123456789abcdef");
        assertRefused(() -> HUB.fleet().revokeToken(RevokeTokenRequest.newBuilder().setId("nope").build()),
                Status.Code.INVALID_ARGUMENT, "not a token id");
    }

    @Test
    void onlyPublishersManageTokens() throws Exception {
        String reader = FABRIC.operatorToken("reader", Role.READ_ONLY);
        for (var call : java.util.List.<java.util.function.Function<io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub, ?>>of(
                s -> s.createToken(request().build()), s -> s.listTokens(ListTokensRequest.getDefaultInstance()),
                s -> s.revokeToken(RevokeTokenRequest.newBuilder().setId("0123456789abcdef").build()))) {
            StatusRuntimeException e = HubExtension.failureOf(HubExtension.channel(FABRIC, HUB.hub().grpcPort(), reader), call);
            assertThat(e).isNotNull();
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(e.getStatus().getDescription()).contains("needs the publisher role");
        }
    }

    static void assertRefused(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, Status.Code code, String... fragments) {
        assertThatThrownBy(call).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(code);
            if (fragments.length > 0) {
                assertThat(e.getStatus().getDescription()).contains(fragments);
            }
        });
    }
}
