package io.cascade.cli;

import io.cascade.cli.intent.FleetClient;
import io.cascade.proto.RemoveSiteRequest;
import io.cascade.proto.RemoveSiteResponse;
import io.cascade.topology.DnsLabel;
import io.cascade.topology.trust.AccountUpdates;
import io.cascade.topology.trust.TrustRoot;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cascade sites remove SITE}: revokes every credential issued to the site, pushes the
 * revocation to the fleet's nats-servers (the hub's reaches every relay through its system leaf
 * link; a server closes the site's open connection at once and refuses its next connect, no
 * restart), then has the hub drop the site from its site set and its relay forget it.
 */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a site: revoke its credentials on the nats-servers (its open connection is closed), "
                + "drop it from the hub's site set and make its relay forget it (registry, status, rollup).")
public final class SitesRemoveCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SITE", description = "The site to remove.")
    String site;

    @Option(names = "--reason", description = "Why, for the audit log.", defaultValue = "")
    String reason;

    @Mixin
    Revocation revocation;

    @Mixin
    FleetClient hub;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean pushed = revocation.revokeAndPush(site, hub, out);

        RemoveSiteResponse removed = hub.call(s -> s.removeSite(RemoveSiteRequest.newBuilder().setSite(site)
                .setReason(reason).build()));
        out.printf("hub: site %s (region %s) removed from the site set%n", removed.getSite(), removed.getRegion());
        out.printf("relay %s: %s%n", removed.getRegion(), removed.getRelayForgot() ? "forgot the site"
                : "did not confirm it forgot the site; it counts it as offline until asked again");
        if (!pushed) {
            out.println("no server took the revocation: run this again when the hub's nats-server is reachable");
        }
        return pushed && removed.getRelayForgot() ? 0 : 1;
    }

    /**
     * Revoking every key of a site (those the trust root issued and the hub-signed key of a
     * registered site) and pushing the account update to the fleet's servers: the hub's reaches
     * every relay over its system leaf link. Options shared by {@code sites remove} and {@code sites rebuild}.
     */
    static final class Revocation {
        @Option(names = "--servers", split = ",", paramLabel = "URL",
                description = "nats-servers to push the revocation to, hub first (the hub alone reaches every relay); default: "
                        + "those of the local fleet of `cascade up` (.cascade/up/server-urls).")
        List<String> servers;

        @Option(names = "--trust-dir", description = "The trust root that issued the site's credentials; default: "
                + "the local fleet's when `cascade up` runs, else " + TrustCommand.DEFAULT_DIR + ".")
        Path trustDir;

        /** Checks the name, revokes and pushes, printing each server's answer; true when at least one server took it. */
        boolean revokeAndPush(String site, FleetClient hub, PrintWriter out) throws Exception {
            if (!DnsLabel.isValid(site)) {
                throw new IllegalArgumentException("SITE: \"" + site + "\" is not a site name (a DNS label)");
            }
            List<String> urls = servers != null ? servers : UpFiles.servers();
            TrustRoot trust = TrustCommand.load(trustDir != null ? trustDir : UpFiles.trustDir());
            // a registered site's key was signed by the hub: ask it, so that key is revoked too
            io.cascade.proto.GetSiteResponse known = hub.call(s -> s.getSite(io.cascade.proto.GetSiteRequest.newBuilder()
                    .setSite(site).build()));
            List<String> registered = known.hasSite() && !known.getSite().getPublicKey().isEmpty()
                    ? List.of(known.getSite().getPublicKey()) : List.of();
            TrustRoot.Revocation revoked = trust.revoke("site-" + site, registered);
            out.printf("revoked %d credential(s) of site %s (account JWT kept in %s)%n", revoked.keys().size(), site, trust.dir());
            boolean pushed = false;
            for (AccountUpdates.Result r : AccountUpdates.push(trust, revoked.accountJwt(), urls)) {
                out.printf("  %-28s %s%n", r.server(), r.applied() ? "applied" : "NOT applied: " + r.message());
                pushed |= r.applied();
            }
            return pushed;
        }
    }

    /** Where {@code cascade up} leaves the local fleet's server list and trust root. */
    static final class UpFiles {
        static final Path DIR = Path.of(".cascade/up");

        static List<String> servers() throws java.io.IOException {
            Path f = DIR.resolve("server-urls");
            if (!Files.exists(f)) {
                throw new IllegalArgumentException("name the fleet's nats-servers with --servers URL,... (no local fleet of "
                        + "`cascade up` in " + DIR.toAbsolutePath() + ")");
            }
            return Arrays.stream(Files.readString(f).split("\\s+")).filter(s -> !s.isBlank()).toList();
        }

        static Path trustDir() {
            Path local = DIR.resolve("servers").resolve("trust");
            return Files.exists(local) ? local : Path.of(TrustCommand.DEFAULT_DIR);
        }
    }
}
