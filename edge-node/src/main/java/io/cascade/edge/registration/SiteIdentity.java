package io.cascade.edge.registration;

import io.cascade.proto.FleetServiceGrpc;
import io.cascade.proto.RegisterSiteRequest;
import io.cascade.proto.RegisterSiteResponse;
import io.cascade.topology.trust.PrivateFiles;
import io.cascade.topology.trust.UserCredentials;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A device's own identity, kept beside its journal in {@code <dir>/<site>.creds} (0600, with the
 * fleet CA) and {@code <dir>/<site>.site} (its region, labels and relay URLs as the hub registered
 * them): made once by registering with a bootstrap token, reused on every later start without one.
 *
 * <p>The device makes its nkey itself; its seed never leaves the device. The seed is written
 * ({@code <site>.seed}, 0600) before the hub is asked, so a crash between the hub's answer and the
 * creds file leaves the same key for the retry, which the hub answers again without taking another
 * use of the token.
 *
 * @param credentials the site's user JWT and seed, with the CA
 * @param region      the region it joined
 * @param labels      the labels it has (the token's)
 * @param relayUrls   where its relay listens, as the hub said
 */
public record SiteIdentity(UserCredentials credentials, String region, Map<String, String> labels, List<String> relayUrls) {

    private static final Logger LOG = LoggerFactory.getLogger(SiteIdentity.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where a registration goes: the hub's gRPC address and the fleet CA its certificate is checked against. */
    public record Hub(String hostPort, Path caFile) {}

    /** The identity of {@code site} stored in {@code dir}, if there is one. */
    public static Optional<SiteIdentity> load(Path dir, String site) {
        Path creds = dir.resolve(site + ".creds");
        if (!Files.exists(creds)) {
            return Optional.empty();
        }
        UserCredentials c = UserCredentials.read(creds);
        if (!c.name().equals("site-" + site)) {
            throw new IllegalArgumentException(creds + " holds the identity of " + c.name() + ", not site " + site);
        }
        Path about = dir.resolve(site + ".site");
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newBufferedReader(about)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + about + " (written with " + creds + " at registration)", e);
        }
        Map<String, String> labels = new java.util.TreeMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith("label.")).forEach(k -> labels.put(k.substring(6), p.getProperty(k)));
        List<String> urls = java.util.Arrays.stream(p.getProperty("relays", "").split(",")).map(String::trim)
                .filter(s -> !s.isEmpty()).toList();
        return Optional.of(new SiteIdentity(c, p.getProperty("region", ""), labels, urls));
    }

    /**
     * The stored identity of {@code site}, or a new one registered at {@code hub} with {@code token}
     * for {@code region} (empty: the token's) and {@code labels}. Without a stored identity and
     * without a token it says what to pass.
     */
    public static SiteIdentity loadOrRegister(Path dir, String site, String region, Map<String, String> labels,
                                              Optional<String> token, Optional<Hub> hub) {
        Optional<SiteIdentity> stored = load(dir, site);
        if (stored.isPresent()) {
            token.ifPresent(t -> LOG.info("site {}: identity found in {}; the bootstrap token is not needed and was not used",
                    site, dir));
            return stored.get();
        }
        String t = token.orElseThrow(() -> new IllegalArgumentException("site " + site + " has no identity in " + dir
                + ": join with --register TOKEN --hub HOST:PORT --ca FILE (a token from `cascade token create`), or pass --creds FILE"));
        Hub h = hub.orElseThrow(() -> new IllegalArgumentException("--register needs --hub HOST:PORT and --ca FILE"));
        return register(dir, site, region, labels, t, h);
    }

    private static SiteIdentity register(Path dir, String site, String region, Map<String, String> labels, String token, Hub hub) {
        return store(dir, site, call(dir, site, region, labels, token, hub));
    }

    /** The hub's answer to a registration, with the key it was made for (not stored yet). */
    public record Joined(NKey key, RegisterSiteResponse answer) {}

    /**
     * The first half of a registration: the site's key (made and kept in {@code <site>.seed}, or the
     * one a crashed attempt left there) and the hub's answer to RegisterSite with it.
     */
    public static Joined call(Path dir, String site, String region, Map<String, String> labels, String token, Hub hub) {
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
        return new Joined(key, joined);
    }

    /** The second half: stores the identity ({@code <site>.site}, then {@code <site>.creds}) and drops the pending seed. */
    public static SiteIdentity store(Path dir, String site, Joined answer) {
        NKey key = answer.key();
        RegisterSiteResponse joined = answer.answer();
        UserCredentials creds = new UserCredentials(joined.getUserJwt(), new String(key.getSeed()), joined.getInboxPrefix(),
                joined.getCaPem());
        try {
            StringBuilder about = new StringBuilder("# site ").append(site).append(" as the hub registered it\n");
            about.append("region=").append(joined.getRegion()).append('\n');
            about.append("relays=").append(String.join(",", joined.getRelayUrlsList())).append('\n');
            new java.util.TreeMap<>(joined.getLabelsMap()).forEach((k, v) -> about.append("label.").append(k).append('=').append(v).append('\n'));
            PrivateFiles.write(dir.resolve(site + ".site"), about.toString());
            creds.write(dir.resolve(site + ".creds")); // atomic, 0600: present means complete
            Files.deleteIfExists(dir.resolve(site + ".seed"));
        } catch (IOException e) {
            throw new UncheckedIOException("site " + site + " registered, but its identity could not be stored in " + dir
                    + " (start again with the same token: the hub answers the same key again)", e);
        }
        LOG.info("site {}: registered in region {} with labels {}; identity stored in {}", site, joined.getRegion(),
                joined.getLabelsMap(), dir);
        return new SiteIdentity(creds, joined.getRegion(), Map.copyOf(joined.getLabelsMap()), joined.getRelayUrlsList());
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
