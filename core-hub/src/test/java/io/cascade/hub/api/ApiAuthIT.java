package io.cascade.hub.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.hub.testing.HubExtension;
import io.cascade.hub.testing.SampleIntents;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.Intent;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.RevokeCredentialRequest;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.OperatorTokens;
import io.cascade.topology.trust.OperatorTokens.Role;
import io.cascade.topology.trust.TrustRoot;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Who may call the operator API: every refusal says why, in words the caller can act on. */
class ApiAuthIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    /** Calls as the holder of {@code token} (none when null); returns the error, or null when served. */
    static StatusRuntimeException call(String token, Function<FleetServiceGrpc.FleetServiceBlockingStub, ?> call)
            throws InterruptedException {
        return HubExtension.failureOf(HubExtension.channel(FABRIC, HUB.hub().grpcPort(), token), call);
    }

    static StatusRuntimeException list(String token) throws InterruptedException {
        return call(token, s -> s.listIntents(ListIntentsRequest.getDefaultInstance()));
    }

    static void assertRefused(StatusRuntimeException e, Status.Code code, String... fragments) {
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(code);
        if (fragments.length > 0) {
            assertThat(e.getStatus().getDescription()).contains(fragments);
        }
    }

    @Test
    void noCredentialIsRefusedSayingHowToPassOneButHealthStaysOpen() throws Exception {
        assertRefused(list(null), Status.Code.UNAUTHENTICATED, "a credential is needed", "--credential", "CASCADE_CREDENTIAL");
        ManagedChannel channel = HubExtension.channel(FABRIC, HUB.hub().grpcPort(), null);
        try {
            HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .check(HealthCheckRequest.getDefaultInstance());
            assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aMalformedTokenOrOneFromAnotherTrustRootIsRefused(@TempDir Path dir) throws Exception {
        assertRefused(list("hello"), Status.Code.UNAUTHENTICATED, "not a Cascade operator token");
        String foreign = TrustRoot.init(dir.resolve("other")).issueOperatorToken("eve", Role.PUBLISHER, Duration.ofHours(1));
        assertRefused(list(foreign), Status.Code.UNAUTHENTICATED, "signature does not verify");
        String real = FABRIC.operatorToken("alice", Role.PUBLISHER);
        String[] parts = real.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + new StringBuilder(parts[2]).reverse();
        assertRefused(list(tampered), Status.Code.UNAUTHENTICATED);
    }

    @Test
    void anExpiredTokenIsRefusedAsExpired() throws Exception {
        String shortLived = FABRIC.fabric().trust().issueOperatorToken("bob", Role.READ_ONLY, Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(200)).until(() -> {
            StatusRuntimeException e = list(shortLived);
            return e != null && e.getStatus().getDescription().contains("the credential of bob expired at");
        });
    }

    @Test
    void aRevokedTokenIsRefusedFromThenOn() throws Exception {
        String carol = FABRIC.operatorToken("carol", Role.PUBLISHER);
        assertThat(list(carol)).isNull();
        String id = OperatorTokens.idOf(carol);
        assertThat(call(FABRIC.operatorToken("admin", Role.PUBLISHER), s -> s.revokeCredential(
                RevokeCredentialRequest.newBuilder().setId(id).setReason("left the team").build()))).isNull();
        assertRefused(list(carol), Status.Code.UNAUTHENTICATED, "the credential of carol (id " + id + ") was revoked");
        assertThat(list(FABRIC.operatorToken("carol", Role.PUBLISHER))).as("a new token of the same name").isNull();
    }

    @Test
    void readOnlyReadsButCannotPublishAndTheRefusalNamesTheRole() throws Exception {
        String dave = FABRIC.operatorToken("dave", Role.READ_ONLY);
        assertThat(list(dave)).isNull();
        assertRefused(call(dave, s -> s.publishIntent(PublishIntentRequest.newBuilder().setIntent(SampleIntents.valid("ro").build()).build())),
                Status.Code.PERMISSION_DENIED, "PublishIntent needs the publisher role; dave has read-only");
        assertRefused(call(dave, s -> s.revokeCredential(RevokeCredentialRequest.newBuilder().setId("0".repeat(24)).build())),
                Status.Code.PERMISSION_DENIED, "RevokeCredential needs the publisher role");
        assertThat(HUB.intents().get("ro")).isNull();
    }

    /** Calls with a client certificate ({@code cert}, {@code key}) and no token; returns the error, or null when served. */
    static StatusRuntimeException callWithCertificate(Path cert, Path key, Function<FleetServiceGrpc.FleetServiceBlockingStub, ?> call)
            throws Exception {
        return HubExtension.failureOf(io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1",
                HUB.hub().grpcPort(), io.grpc.TlsChannelCredentials.newBuilder().keyManager(cert.toFile(), key.toFile())
                        .trustManager(FABRIC.caFile().toFile()).build()).build(), call);
    }

    @Test
    void aClientCertificateFromTheFleetCaIsACredentialWithItsRoleAndCanBeRevoked(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("frank.crt");
        Path key = dir.resolve("frank.key");
        String id = FABRIC.fabric().trust().issueOperatorCertificate("frank", Role.READ_ONLY, Duration.ofHours(1), cert, key);
        assertThat(callWithCertificate(cert, key, s -> s.listIntents(ListIntentsRequest.getDefaultInstance()))).isNull();
        assertRefused(callWithCertificate(cert, key, s -> s.publishIntent(PublishIntentRequest.newBuilder()
                .setIntent(SampleIntents.valid("by-cert").build()).build())),
                Status.Code.PERMISSION_DENIED, "PublishIntent needs the publisher role; frank has read-only");

        assertThat(call(FABRIC.operatorToken("admin", Role.PUBLISHER), s -> s.revokeCredential(
                RevokeCredentialRequest.newBuilder().setId(id).build()))).isNull();
        assertRefused(callWithCertificate(cert, key, s -> s.listIntents(ListIntentsRequest.getDefaultInstance())),
                Status.Code.UNAUTHENTICATED, "the credential of frank (id " + id + ") was revoked");
    }

    @Test
    void aClientCertificateFromAnotherCaIsRefused(@TempDir Path dir) throws Exception {
        TrustRoot other = TrustRoot.init(dir.resolve("other"));
        Path cert = dir.resolve("mallory.crt");
        Path key = dir.resolve("mallory.key");
        other.issueOperatorCertificate("mallory", Role.PUBLISHER, Duration.ofHours(1), cert, key);
        StatusRuntimeException e = callWithCertificate(cert, key, s -> s.listIntents(ListIntentsRequest.getDefaultInstance()));
        assertThat(e).as("refused").isNotNull();
        assertThat(e.getStatus().getCode()).isIn(Status.Code.UNAVAILABLE, Status.Code.UNAUTHENTICATED);
    }

    @Test
    void requestedByIsTheAuthenticatedCallerNotWhatTheClientSent() throws Exception {
        Intent sent = SampleIntents.valid("audited").build();
        sent = sent.toBuilder().setMetadata(sent.getMetadata().toBuilder().setRequestedBy("mallory")).build();
        Intent finalSent = sent;
        assertThat(call(FABRIC.operatorToken("erin", Role.PUBLISHER),
                s -> s.publishIntent(PublishIntentRequest.newBuilder().setIntent(finalSent).build()))).isNull();
        var stored = HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("audited").build());
        assertThat(stored.getIntent().getMetadata().getRequestedBy()).isEqualTo("erin");
    }
}
