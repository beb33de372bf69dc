package io.cascade.hub.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.hub.Hub;
import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.BootstrapToken;
import io.cascade.proto.CreateTokenRequest;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.RegisterSiteRequest;
import io.cascade.proto.SiteRecord;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.ManagedChannel;
import io.nats.client.NKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A registration that was answered survives the hub: its service and its nats-server killed and started again. */
class RegistrationDurabilityIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void anAnsweredRegistrationIsInTheSiteSetAfterTheHubServerAndServiceRestart() throws Exception {
        String token;
        String key;
        Hub hub = Hub.start(HubExtension.config(FABRIC));
        try {
            ManagedChannel operator = HubExtension.channel(FABRIC, hub.grpcPort());
            token = FleetServiceGrpc.newBlockingStub(operator).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .createToken(CreateTokenRequest.newBuilder().setRegion("us").setMaxUses(2).build()).getToken();
            operator.shutdownNow();
            key = new String(NKey.createUser(new SecureRandom()).getPublicKey());
            ManagedChannel device = HubExtension.channel(FABRIC, hub.grpcPort(), null);
            FleetServiceGrpc.newBlockingStub(device).withDeadlineAfter(10, TimeUnit.SECONDS).registerSite(
                    RegisterSiteRequest.newBuilder().setToken(token).setSite("durable-us-1").setPublicKey(key).build());
            device.shutdownNow();
        } finally {
            hub.close();
        }
        // the hub's nats-server dies hard right after the answer, and comes back on its store
        FABRIC.hub().kill();
        FABRIC.hub().restart(Duration.ofSeconds(20));
        FABRIC.fabric().awaitLeafLinks(Duration.ofSeconds(30));

        Hub again = Hub.start(HubExtension.config(FABRIC));
        try {
            SiteRecord record = again.sites().get("durable-us-1").orElseThrow();
            assertThat(record.getSource()).isEqualTo(SiteRecord.Source.REGISTERED);
            assertThat(record.getPublicKey()).isEqualTo(key);
            assertThat(record.getRegion()).isEqualTo("us");
            String id = token.split("\\.")[1];
            var tokens = io.cascade.topology.client.NatsClients.connect(io.cascade.topology.client.NatsClients.options("check",
                    FABRIC.hub().clientUrl(), FABRIC.hubCredentials().orElseThrow()).build());
            try {
                assertThat(BootstrapToken.parseFrom(tokens.keyValue("tokens").get(id).getValue()).getUsed()).isEqualTo(1);
            } finally {
                tokens.close();
            }
        } finally {
            again.close();
        }
    }
}
