package io.cascade.cli;

import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.trust.Identity;
import io.cascade.topology.trust.TrustRoot;
import io.cascade.topology.trust.UserCredentials;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cascade trust}: the fleet's trust root (operator, accounts, signing key) and the users it
 * issues: one per site, per relay service, per relay leaf link, for the hub and for operators.
 */
@Command(name = "trust", mixinStandardHelpOptions = true,
        description = "The fleet's trust root and the credentials it issues (NATS operator mode).",
        subcommands = {TrustCommand.Init.class, TrustCommand.Site.class, TrustCommand.Service.class})
public final class TrustCommand implements Runnable {

    /** Where the trust root lives unless {@code --dir} says otherwise. */
    public static final String DEFAULT_DIR = ".cascade/trust";

    @Override
    public void run() {
        new picocli.CommandLine(this).usage(System.out);
    }

    /** The trust root in {@code dir}; when there is none, says how to make one. */
    static TrustRoot load(Path dir) {
        if (!Files.exists(dir.resolve("operator.nk"))) {
            throw new IllegalArgumentException("no trust root in " + dir.toAbsolutePath()
                    + ": make one with `cascade trust init --dir " + dir + "` (or name another with --trust-dir)");
        }
        return TrustRoot.load(dir);
    }

    /** {@code cascade trust init}: a new operator, accounts and signing key; never replaces one. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Make the trust root: operator, system and fleet accounts, the account signing key (files 0600). "
                    + "Refuses to overwrite an existing one.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "Where to keep it (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            if (Files.exists(dir.resolve("operator.nk"))) {
                throw new IllegalArgumentException(dir.toAbsolutePath() + " holds a trust root already; refusing to overwrite it "
                        + "(a new one would lock out every site and server that trusts the old one)");
            }
            TrustRoot root = TrustRoot.init(dir);
            PrintWriter out = spec.commandLine().getOut();
            Path d = root.dir();
            out.println("trust root in " + d + " (key and JWT files 0600)");
            out.println("  operator " + root.operatorPublicKey() + " (servers trust " + root.operatorJwtFile() + ")");
            out.println("  account  " + root.accountPublicKey() + " (" + TrustRoot.ACCOUNT_NAME + ", JetStream on)");
            out.println("  system   " + root.systemAccountPublicKey() + " (SYS, server administration)");
            out.println("files:");
            out.println("  operator.jwt          public: every nats-server's `operator:`");
            out.println("  account.jwt           public: the fleet account (its revocations), preloaded into every server");
            out.println("  system.jwt            public: the system account, preloaded into every server");
            out.println("  operator.nk           SECRET, keep offline: signs accounts (a new account JWT after a revocation)");
            out.println("  account.nk            SECRET, keep offline: the fleet account's own key, needed only to change its signing keys");
            out.println("  system.nk             SECRET, keep offline: the system account's key; issues the relays' system leaf users");
            out.println("  account-signing.nk    SECRET, online where credentials are issued: signs every user JWT");
            out.println("  users/<name>.keys     the public keys issued to each identity (what a revocation revokes)");
            out.println("next: `cascade trust site SITE --region R -o SITE.creds` for each site; "
                    + "`cascade topology render --trust-dir " + dir + "` for the servers' configs");
            return 0;
        }
    }

    /**
     * {@code cascade trust site SITE}: the site's credentials. With {@code --public-key} (a key the
     * site made itself, whose seed never left it) only the user JWT is printed.
     */
    @Command(name = "site", mixinStandardHelpOptions = true,
            description = "Issue a site's credentials: a creds file (new key), or only the user JWT for a key the site made (--public-key).")
    static final class Site implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "SITE", description = "The site's name.")
        String site;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        static final class Where {
            @Option(names = "--region", description = "The site's region.")
            String region;

            @Option(names = "--fleet", description = "A fleet file that declares the site (its region is read from there).")
            Path fleetFile;
        }

        @Option(names = "--public-key", paramLabel = "U...", description = "The site's own public nkey: print only its user JWT.")
        String publicKey;

        @Mixin
        Issuing issuing;

        @Override
        public Integer call() throws Exception {
            String region = where.region != null ? where.region : regionOf(site, Fleets.loadOrDemo(where.fleetFile));
            issuing.emit(new Identity.Site(region, site), publicKey);
            return 0;
        }

        private static String regionOf(String site, Fleet fleet) {
            return fleet.sites().filter(s -> s.name().equals(site)).findFirst().map(SiteSpec::labels)
                    .map(l -> l.get("region"))
                    .orElseThrow(() -> new IllegalArgumentException("site " + site + " is not in fleet " + fleet.name()
                            + "; name its region with --region"));
        }
    }

    /** {@code cascade trust service hub|relay|leaf|operator}: a tier's or an operator's credentials. */
    @Command(name = "service", mixinStandardHelpOptions = true,
            description = "Issue credentials for a tier: hub, relay (the relay service), leaf (a relay's link to the hub), "
                    + "sysleaf (a relay's system-account link to the hub, for account updates), "
                    + "or operator (probes and site removal).")
    static final class Service implements Callable<Integer> {
        enum Kind { hub, relay, leaf, sysleaf, operator }

        @Parameters(index = "0", paramLabel = "KIND", description = "${COMPLETION-CANDIDATES}")
        Kind kind;

        @Option(names = "--region", description = "The region, for relay, leaf and sysleaf.")
        String region;

        @Mixin
        Issuing issuing;

        @Override
        public Integer call() throws Exception {
            boolean perRegion = kind == Kind.relay || kind == Kind.leaf || kind == Kind.sysleaf;
            if (perRegion == (region == null)) {
                throw new IllegalArgumentException(perRegion
                        ? kind + " credentials are per region: add --region R" : "--region is only for relay, leaf and sysleaf");
            }
            Identity identity = switch (kind) {
                case hub -> new Identity.HubService();
                case relay -> new Identity.RelayService(region);
                case leaf -> new Identity.RelayLeaf(region);
                case sysleaf -> new Identity.RelaySystemLeaf(region);
                case operator -> new Identity.Operator();
            };
            issuing.emit(identity, null);
            return 0;
        }
    }

    /** Where issued credentials go ({@code -o}, else stdout) and which trust root issues them ({@code --dir}). */
    static final class Issuing {
        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write to FILE (0600) instead of printing.")
        Path out;

        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "The trust root (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Spec(Spec.Target.MIXEE)
        picocli.CommandLine.Model.CommandSpec spec;

        /** Issues {@code identity}'s credentials, or only its JWT for {@code publicKey} when that is set. */
        void emit(Identity identity, String publicKey) throws java.io.IOException {
            TrustRoot trust = load(dir);
            PrintWriter stdout = spec.commandLine().getOut();
            if (publicKey != null) {
                String jwt = trust.issueJwt(identity, publicKey);
                if (out == null) {
                    stdout.println(jwt);
                } else {
                    Files.createDirectories(out.toAbsolutePath().getParent());
                    Files.writeString(out, jwt + "\n");
                    stdout.println("wrote the user JWT of " + identity.name() + " to " + out);
                }
                return;
            }
            UserCredentials creds = trust.issue(identity);
            if (out == null) {
                stdout.print(creds.render());
            } else {
                creds.write(out);
                stdout.println("wrote credentials of " + identity.name() + " to " + out + " (0600)");
            }
        }
    }
}
