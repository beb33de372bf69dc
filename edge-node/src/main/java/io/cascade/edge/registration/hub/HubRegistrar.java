package io.cascade.edge.registration.hub;

import io.cascade.edge.registration.SiteIdentity;
import io.cascade.edge.registration.SiteIdentity.Hub;
import io.cascade.edge.registration.SiteIdentity.Joined;
import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.RegisterSiteRequest;
import io.cascade.proto.RegisterSiteResponse;
import io.cascade.topology.trust.PrivateFiles;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.nats.client.NKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * RegisterSite over gRPC with the site's own nkey: the half of a registration that needs gRPC, netty and Bouncy
 * Castle (jnats' {@link NKey}). The packaged edge keeps those in {@code lib/register} and loads this class with them
 * only when a site registers ({@link SiteIdentity#call}).
 */
public final class HubRegistrar implements SiteIdentity.Registrar {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Override
    public Joined call(Path dir, String site, String region, Map<String, String> labels, String token, Hub hub) {
        NKey key = pendingKey(dir, site);
        RegisterSiteResponse joined;
        ManagedChannel channel = channel(hub);
        try {
            joined = FleetServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
                    .registerSite(RegisterSiteRequest.newBuilder().setToken(token).setSite(site).setRegion(region)
                            .putAllLabels(labels).setPublicKey(publicKey(key)).build());
        } catch (StatusRuntimeException e) {
            throw new IllegalStateException("the hub at " + hub.hostPort() + " refused to register site " + site + ": "
                    + e.getStatus().getCode() + (e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription()), e);
        } finally {
            channel.shutdownNow();
        }
        return new Joined(new String(key.getSeed()), joined);
    }

    /** The key of a registration in progress, made and stored (0600) before the hub is asked. */
    private static NKey pendingKey(Path dir, String site) {
        Path seed = dir.resolve(site + ".seed");
        try {
            Files.createDirectories(dir);
            if (Files.exists(seed)) {
                return NKey.fromSeed(Files.readString(seed).trim().toCharArray());
            }
            NKey key = NKey.createUser(RANDOM);
            PrivateFiles.write(seed, new String(key.getSeed()));
            return key;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot make the site's key in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static String publicKey(NKey key) {
        try {
            return new String(key.getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("bad nkey: " + e.getMessage(), e);
        }
    }

    private static ManagedChannel channel(Hub hub) {
        int colon = hub.hostPort().lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--hub must be HOST:PORT, got " + hub.hostPort());
        }
        try {
            return NettyChannelBuilder.forAddress(hub.hostPort().substring(0, colon), Integer.parseInt(hub.hostPort().substring(colon + 1)),
                    TlsChannelCredentials.newBuilder().trustManager(hub.caFile().toFile()).build()).build();
        } catch (IOException e) {
            throw new UncheckedIOException("--ca " + hub.caFile() + ": cannot read the fleet CA", e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--hub must be HOST:PORT, got " + hub.hostPort(), e);
        }
    }
}
