package io.cascade.hub.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.hub.Hub;
import io.cascade.hub.HubConfig;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.FleetServiceGrpc.FleetServiceBlockingStub;
import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.proto.SiteOverrideDoc;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.StreamState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real hub on a {@link FabricExtension}'s hub nats-server, its FleetService reached over a loopback
 * port, and a test's own NATS connection to read what the hub wrote into KV {@code intents} and
 * {@code desired}, and to write into KV {@code rollup} what a relay would. Register it after the fabric; it stops before it, in reverse order of start.
 *
 * <pre>
 * {@literal @}RegisterExtension {@literal @}Order(1) static final FabricExtension FABRIC = FabricExtension.demo();
 * {@literal @}RegisterExtension {@literal @}Order(2) static final HubExtension HUB = new HubExtension(FABRIC);
 * </pre>
 */
public final class HubExtension implements BeforeAllCallback, AfterAllCallback {

    private final FabricExtension fabric;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private Hub hub;
    private ManagedChannel channel;
    private Connection nats;
    private Connection rollupWriter;
    private KeyValue intents;
    private KeyValue desired;
    private KeyValue rollup;
    private KeyValue tokens;

    public HubExtension(FabricExtension fabric) {
        this.fabric = fabric;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        hub = Hub.start(config(fabric), new HubMetrics(meters));
        channel = channel(fabric, hub.grpcPort());
        nats = fabric.connectHub();
        intents = nats.keyValue("intents");
        tokens = nats.keyValue("tokens");
        desired = nats.keyValue("desired");
        // the hub service's user may not write rollups (the relays do): a test tool stands in for them
        rollupWriter = fabric.connectTool(fabric.hub(), "rollup-writer",
                List.of("$JS.API.INFO", "$JS.API.STREAM.INFO.KV_rollup", "$JS.API.STREAM.MSG.GET.KV_rollup",
                        "$JS.API.DIRECT.GET.KV_rollup.>", "$KV.rollup.*"), List.of());
        rollup = rollupWriter.keyValue("rollup");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (rollupWriter != null) {
            rollupWriter.close();
        }
        if (nats != null) {
            nats.close();
        }
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        if (hub != null) {
            hub.close();
        }
    }

    /**
     * A hub's configuration on {@code fabric}: its server (every node of an HA hub, buckets then at 3 replicas),
     * any free gRPC port, its credentials and TLS certificate.
     */
    public static HubConfig config(FabricExtension fabric) {
        return new HubConfig(fabric.fabric().hubUrls(), "127.0.0.1", 0, fabric.fleet(), fabric.hubCredentials(),
                fabric.hubCertificate(), fabric.apiKey(), fabric.caFile()).withSigner(fabric.fabric().trust().signer())
                .withReplicas(fabric.fabric().bucketReplicas());
    }

    /** A channel to the hub's gRPC port over TLS, trusting the fabric's CA, calling as a publisher named "test". */
    public static ManagedChannel channel(FabricExtension fabric, int port) {
        return channel(fabric, port, fabric.operatorToken("test", io.cascade.topology.trust.OperatorTokens.Role.PUBLISHER));
    }

    /** A channel to the hub's gRPC port over TLS whose calls carry {@code token} (none when null). */
    public static ManagedChannel channel(FabricExtension fabric, int port, String token) {
        try {
            NettyChannelBuilder b = NettyChannelBuilder.forAddress("127.0.0.1", port,
                    io.grpc.TlsChannelCredentials.newBuilder().trustManager(fabric.caFile().toFile()).build());
            if (token != null) {
                b.intercept(bearer(token));
            }
            return b.build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read the fabric's CA " + fabric.caFile(), e);
        }
    }

    /**
     * Makes one call on {@code channel} (then shuts it down) and returns how it failed, or null when
     * it was served: for tests of who the hub lets in.
     */
    public static io.grpc.StatusRuntimeException failureOf(ManagedChannel channel,
            java.util.function.Function<FleetServiceBlockingStub, ?> call) throws InterruptedException {
        try {
            call.apply(FleetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS));
            return null;
        } catch (io.grpc.StatusRuntimeException e) {
            return e;
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    /** Adds {@code authorization: Bearer <token>} to every call. */
    public static io.grpc.ClientInterceptor bearer(String token) {
        io.grpc.Metadata headers = new io.grpc.Metadata();
        headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
        return io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers);
    }

    /** A FleetService client whose calls must answer within 30 s from now. */
    public FleetServiceBlockingStub fleet() {
        return FleetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    public PublishIntentResponse publish(Intent intent) {
        return fleet().publishIntent(PublishIntentRequest.newBuilder().setIntent(intent).build());
    }

    public KeyValue intents() {
        return intents;
    }

    public KeyValue desired() {
        return desired;
    }

    /** KV {@code tokens}, the hub's bootstrap tokens. */
    public KeyValue tokens() {
        return tokens;
    }

    /** KV {@code rollup}, where the relays put their region rollups. */
    public KeyValue rollup() {
        return rollup;
    }

    /** The registry the hub's meters record into. */
    public SimpleMeterRegistry meters() {
        return meters;
    }

    public Hub hub() {
        return hub;
    }

    /** The app doc at {@code <region>.app.<app>}, decoded; fails when there is none. */
    public DesiredDoc appDoc(String region, String app) throws Exception {
        return DesiredDoc.parseFrom(desired.get(region + ".app." + app).getValue());
    }

    /** The override doc at {@code <region>.site.<site>.<app>}, decoded; fails when there is none. */
    public SiteOverrideDoc siteDoc(String region, String site, String app) throws Exception {
        return SiteOverrideDoc.parseFrom(desired.get(region + ".site." + site + "." + app).getValue());
    }

    /** The live keys of {@code app} in KV {@code desired}: app docs, then override docs. */
    public List<String> desiredKeys(String app) throws Exception {
        List<String> keys = new ArrayList<>(desired.keys("*.app." + app));
        keys.addAll(desired.keys("*.site.*." + app));
        return keys;
    }

    public static KeyValueOperation lastOperation(KeyValue bucket, String key) throws Exception {
        return bucket.history(key).getLast().getOperation();
    }

    /** Both buckets' stream states, to compare before and after a call. */
    public Stores stores() throws Exception {
        JetStreamManagement jsm = nats.jetStreamManagement();
        return new Stores(jsm.getStreamInfo("KV_intents").getStreamState(), jsm.getStreamInfo("KV_desired").getStreamState());
    }

    /** Consumers on KV {@code desired}'s stream right now (the hub's own watch among them). */
    public long desiredConsumers() throws Exception {
        return nats.jetStreamManagement().getStreamInfo("KV_desired").getStreamState().getConsumerCount();
    }

    /** Asserts that {@code call} fails with this status code and exactly this description. */
    public static void assertStatus(ThrowingCallable call, Status.Code code, String description) {
        assertThatThrownBy(call).satisfies(e -> {
            Status status = Status.fromThrowable(e);
            assertThat(status.getCode()).isEqualTo(code);
            assertThat(status.getDescription()).isEqualTo(description);
        });
    }

    /** The last sequence (revision) and message count of both buckets' streams. */
    public record Stores(long intentsLast, long intentsMessages, long desiredLast, long desiredMessages) {

        Stores(StreamState intents, StreamState desired) {
            this(intents.getLastSequence(), intents.getMsgCount(), desired.getLastSequence(), desired.getMsgCount());
        }

        /** How many messages (puts and deletes) each bucket, intents then desired, took since {@code before}. */
        public List<Long> writesSince(Stores before) {
            return List.of(intentsLast - before.intentsLast, desiredLast - before.desiredLast);
        }
    }
}
