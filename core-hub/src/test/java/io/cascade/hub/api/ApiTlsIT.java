package io.cascade.hub.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.TrustRoot;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The hub serves its API over TLS only, with a certificate from the fleet CA and for the name it is reached by. */
class ApiTlsIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    static StatusRuntimeException listIntents(ManagedChannel channel) throws InterruptedException {
        return HubExtension.failureOf(channel, s -> s.listIntents(ListIntentsRequest.getDefaultInstance()));
    }

    @Test
    void aClientTrustingTheFleetCaIsServed() throws Exception {
        assertThat(listIntents(HubExtension.channel(FABRIC, HUB.hub().grpcPort()))).isNull();
    }

    @Test
    void aPlaintextClientIsRefused() throws Exception {
        StatusRuntimeException e = listIntents(NettyChannelBuilder.forAddress("127.0.0.1", HUB.hub().grpcPort())
                .usePlaintext().build());
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheHub(@TempDir Path dir) throws Exception {
        TrustRoot other = TrustRoot.init(dir.resolve("other"));
        StatusRuntimeException e = listIntents(NettyChannelBuilder.forAddress("127.0.0.1", HUB.hub().grpcPort(),
                TlsChannelCredentials.newBuilder().trustManager(other.caCertFile().toFile()).build()).build());
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(e.getCause()).isNotNull();
    }

    @Test
    void aNameTheCertificateDoesNotCarryIsRefused() throws Exception {
        // the fabric's hub certificate is for 127.0.0.1 and localhost: reached as another name it does not verify
        StatusRuntimeException e = listIntents(NettyChannelBuilder.forAddress("127.0.0.1", HUB.hub().grpcPort(),
                TlsChannelCredentials.newBuilder().trustManager(FABRIC.caFile().toFile()).build())
                .overrideAuthority("hub.example.com:" + HUB.hub().grpcPort()).build());
        assertThat(e).isNotNull();
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
    }
}
