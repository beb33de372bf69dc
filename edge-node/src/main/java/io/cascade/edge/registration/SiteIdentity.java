package io.cascade.edge.registration;

import io.cascade.edge.libraries.OptionalLibraries;
import io.cascade.proto.RegisterSiteResponse;
import io.cascade.topology.trust.PrivateFiles;
import io.cascade.topology.trust.UserCredentials;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
    private static final String REGISTRAR_PACKAGE = "io.cascade.edge.registration.hub.";

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

    /** The hub's answer to a registration, with the seed of the key it was made for (not stored yet). */
    public record Joined(String seed, RegisterSiteResponse answer) {}

    /** The first half of a registration, as {@link #call} describes it. */
    public interface Registrar {
        Joined call(Path dir, String site, String region, Map<String, String> labels, String token, Hub hub);
    }

    /**
     * gRPC, netty, guava and Bouncy Castle: in the packaged edge they are in {@code lib/register}, off its class path
     * (edge-node/pom.xml). The registrar and the service's stub are defined with them, and so is a copy of jnats of its
     * own: NKey uses Bouncy Castle and package-private jnats classes, and the registrar shares no jnats object with
     * the edge.
     */
    private static final OptionalLibraries REGISTER = new OptionalLibraries("lib/register", "io.grpc.ManagedChannel",
            List.of(REGISTRAR_PACKAGE, "io.cascade.proto.FleetServiceGrpc", "io.nats."),
            List.of(SiteIdentity.class, RegisterSiteResponse.class, Nats.class));

    /**
     * The first half of a registration: the site's key (made and kept in {@code <site>.seed}, or the
     * one a crashed attempt left there) and the hub's answer to RegisterSite with it.
     */
    public static Joined call(Path dir, String site, String region, Map<String, String> labels, String token, Hub hub) {
        return REGISTER.call("the registration client", loader -> ((Registrar) loader.loadClass(REGISTRAR_PACKAGE + "HubRegistrar")
                .getConstructor().newInstance()).call(dir, site, region, labels, token, hub));
    }

    /** The second half: stores the identity ({@code <site>.site}, then {@code <site>.creds}) and drops the pending seed. */
    public static SiteIdentity store(Path dir, String site, Joined answer) {
        RegisterSiteResponse joined = answer.answer();
        UserCredentials creds = new UserCredentials(joined.getUserJwt(), answer.seed(), joined.getInboxPrefix(),
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
}
