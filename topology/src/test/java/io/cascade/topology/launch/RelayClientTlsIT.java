package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.client.NatsClients;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A relay's client port speaks TLS only, with its certificate from the fleet CA: a site's client that
 * trusts the fleet CA connects; a plaintext client and a client that trusts another CA get nowhere,
 * whatever credentials they hold.
 */
class RelayClientTlsIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static final String SITE = "store-eu-0001";

    static Connection connect(String url, UserCredentials creds) throws Exception {
        return Nats.connect(NatsClients.options("tls-it", url, creds).maxReconnects(0).build());
    }

    @Test
    void aSiteTrustingTheFleetCaConnects() throws Exception {
        NatsServerProcess relay = FABRIC.relay("eu");
        assertThat(relay.clientUrl()).startsWith("tls://");
        try (Connection c = connect(relay.clientUrl(), FABRIC.credentials(new Identity.Site("eu", SITE)))) {
            assertThat(c.getStatus()).isEqualTo(Connection.Status.CONNECTED);
            assertThat(c.getServerInfo().isTLSRequired()).isTrue();
        }
    }

    @Test
    void aPlaintextClientIsRefused() {
        NatsServerProcess relay = FABRIC.relay("eu");
        String plain = relay.clientUrl().replace("tls://", "nats://");
        assertThatThrownBy(() -> connect(plain, FABRIC.credentials(new Identity.Site("eu", SITE))))
                .isInstanceOf(Exception.class);
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheRelay(@TempDir Path dir) {
        String otherCa = TrustRoot.init(dir.resolve("other")).caPem();
        UserCredentials creds = FABRIC.credentials(new Identity.Site("eu", SITE)).withCa(otherCa);
        assertThatThrownBy(() -> connect(FABRIC.relay("eu").clientUrl(), creds)).isInstanceOf(Exception.class);
    }

    @Test
    void credentialsWithoutACaAreRefusedForATlsServerWithAClearMessage() {
        UserCredentials noCa = FABRIC.fabric().trust().issue(new Identity.Site("eu", SITE));
        assertThatThrownBy(() -> connect(FABRIC.relay("eu").clientUrl(), noCa))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("speaks TLS, but the credentials of site-" + SITE + " carry no fleet CA");
    }
}
