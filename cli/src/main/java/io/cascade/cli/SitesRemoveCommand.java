package io.cascade.cli;

import io.cascade.proto.ForgetSiteReply;
import io.cascade.proto.ForgetSiteRequest;
import io.cascade.topology.Subjects;
import io.cascade.topology.client.NatsClients;
import io.cascade.topology.trust.AccountUpdates;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cascade sites remove SITE}: revokes every credential issued to the site, pushes the
 * revocation to every nats-server of the fleet (a server closes the site's open connection at
 * once and refuses its next connect, no restart), then tells the site's relay to forget it.
 */
@Command(name = "remove", mixinStandardHelpOptions = true,
        description = "Remove a site: revoke its credentials on every nats-server (open connections are closed), "
                + "then make its relay forget it (registry, status, rollup).")
public final class SitesRemoveCommand implements Callable<Integer> {

    static final Duration FORGET_TIMEOUT = Duration.ofSeconds(5);

    @Parameters(index = "0", paramLabel = "SITE", description = "The site to remove.")
    String site;

    @Option(names = "--region", required = true, description = "The site's region.")
    String region;

    @Option(names = "--servers", split = ",", paramLabel = "URL",
            description = "Every nats-server of the fleet (hub first), comma-separated; default: those of the "
                    + "local fleet of `cascade up` (.cascade/up/server-urls).")
    List<String> servers;

    @Option(names = "--trust-dir", description = "The trust root that issued the site's credentials; default: "
            + TrustCommand.DEFAULT_DIR + ", or the local fleet's when `cascade up` runs.")
    Path trustDir;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        new Identity.Site(region, site); // validates both names
        List<String> urls = servers != null ? servers : UpFiles.servers();
        TrustRoot trust = TrustCommand.load(trustDir != null ? trustDir : UpFiles.trustDir());
        PrintWriter out = spec.commandLine().getOut();

        TrustRoot.Revocation revoked = trust.revoke(new Identity.Site(region, site).name());
        out.printf("revoked %d credential(s) of site %s%n", revoked.keys().size(), site);
        boolean everywhere = true;
        for (AccountUpdates.Result r : AccountUpdates.push(trust, revoked.accountJwt(), urls)) {
            out.printf("  %-28s %s%n", r.server(), r.applied() ? "applied" : "NOT applied: " + r.message());
            everywhere &= r.applied();
        }

        boolean forgotten = forget(urls.get(0), trust, out);
        if (!everywhere) {
            out.println("some servers did not take the revocation: run this again when they are reachable");
        }
        return everywhere && forgotten ? 0 : 1;
    }

    /** Asks the site's relay, through the hub, to forget it. */
    private boolean forget(String hubUrl, TrustRoot trust, PrintWriter out) throws Exception {
        var options = NatsClients.options("cascade-sites-remove", hubUrl, trust.issue(new Identity.Operator()))
                .maxReconnects(0).build();
        try (Connection hub = Nats.connect(options)) {
            Message reply = hub.request(Subjects.forget(region),
                    ForgetSiteRequest.newBuilder().setSite(site).build().toByteArray(), FORGET_TIMEOUT);
            if (reply == null) {
                out.printf("relay %s did not answer within %s: the site is revoked but still listed; run this again "
                        + "when the relay is up%n", region, FORGET_TIMEOUT);
                return false;
            }
            ForgetSiteReply answer = ForgetSiteReply.parseFrom(reply.getData());
            out.printf("relay %s %s site %s%n", answer.getRegion(), answer.getKnown() ? "forgot" : "did not know", site);
            return true;
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
