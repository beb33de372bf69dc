package io.cascade.topology.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.client.NatsClients;
import io.cascade.topology.launch.NatsServerProcess;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.NKey;
import io.nats.client.Nats;
import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Who the fabric's servers let in: only users whose JWT was signed by the fleet account's listed
 * signing key. A JWT that names the right account but was signed by another key is refused by hub
 * and relays alike, and the server keeps no connection of it.
 */
class OperatorModeIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void aUserJwtSignedByAKeyTheAccountDoesNotListIsRefused() throws Exception {
        TrustRoot trust = FABRIC.fabric().trust();
        Identity site = new Identity.Site("eu", "store-eu-0001");
        NKey user = NKey.createUser(new SecureRandom());
        NKey stranger = NKey.createAccount(new SecureRandom());
        var claims = Jwt.JSON.createObjectNode();
        claims.putObject("pub").putArray("allow").add(">");
        claims.putObject("sub").putArray("allow").add(">");
        claims.put("issuer_account", trust.accountPublicKey()).put("type", "user").put("version", 2);
        String forged = Jwt.sign(stranger, new String(user.getPublicKey()), site.name(), Jwt.now(), claims);
        UserCredentials creds = new UserCredentials(forged, new String(user.getSeed()), site.inboxPrefix(), trust.caPem());

        for (NatsServerProcess server : List.of(FABRIC.hub(), FABRIC.relay("eu"))) {
            int before = server.monitor("/connz").path("num_connections").asInt();
            assertThatThrownBy(() -> Nats.connect(NatsClients.options("forged", server.clientUrl(), creds).maxReconnects(0)
                    .connectionTimeout(FabricExtension.REFUSAL_WAIT).build()))
                    .as(server.name()).hasMessageContaining("Authorization Violation");
            assertThat(server.monitor("/connz").path("num_connections").asInt()).as(server.name()).isEqualTo(before);
        }
        // the same user key with a JWT from the account's signing key gets in: the refusal was the signer
        try (Connection ok = Nats.connect(NatsClients.options("real", FABRIC.relay("eu").clientUrl(),
                new UserCredentials(trust.issueJwt(site, new String(user.getPublicKey())), new String(user.getSeed()),
                        site.inboxPrefix(), trust.caPem())).maxReconnects(0).build())) {
            assertThat(ok.getStatus()).isEqualTo(Connection.Status.CONNECTED);
        }
    }
}
