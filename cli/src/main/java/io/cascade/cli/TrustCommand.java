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
import java.util.List;
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
        subcommands = {TrustCommand.Init.class, TrustCommand.Site.class, TrustCommand.Service.class, TrustCommand.ServerCert.class,
                TrustCommand.Operator.class, TrustCommand.RevokeOperator.class})
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

    static final String HUB_GRPC_CERT = "hub-grpc.crt";
    static final String HUB_GRPC_KEY = "hub-grpc.key";

    /** The names a hub's gRPC certificate carries: its host and localhost. */
    static List<String> hubNames(String host) {
        return host.equals("localhost") || host.equals("0.0.0.0") ? List.of("localhost", "127.0.0.1") : List.of(host, "localhost");
    }

    /** {@code cascade trust operator NAME --role R}: a bearer token for the hub's operator API. */
    @Command(name = "operator", mixinStandardHelpOptions = true,
            description = "Issue an operator credential (a signed bearer token) for the hub's API: read-only (intents, rollups, "
                    + "sites, watches) or publisher (also publish, withdraw, rollout control, removing sites, revoking credentials).")
    static final class Operator implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Who holds it (a person or a pipeline); shown as requested_by.")
        String name;

        @Option(names = "--role", required = true, description = "read-only or publisher.")
        String role;

        @Option(names = "--ttl", defaultValue = "30d", converter = io.cascade.topology.launch.DurationConverter.class,
                description = "How long it is valid (default: ${DEFAULT-VALUE}).")
        java.time.Duration ttl;

        @Option(names = {"-o", "--out"}, paramLabel = "FILE", description = "Write the token to FILE (0600) instead of printing it.")
        Path out;

        @Option(names = "--cert", paramLabel = "FILE", description = "Issue a client certificate from the fleet CA instead "
                + "of a token (CN=NAME, OU=role), written to FILE; its key goes to --key.")
        Path cert;

        @Option(names = "--key", paramLabel = "FILE", description = "With --cert: where its private key goes (0600).")
        Path key;

        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "The trust root (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            io.cascade.topology.trust.OperatorTokens.Role r = io.cascade.topology.trust.OperatorTokens.Role.parse(role);
            PrintWriter stdout = spec.commandLine().getOut();
            if ((cert == null) != (key == null) || (cert != null && out != null)) {
                throw new IllegalArgumentException("a client certificate takes --cert FILE and --key FILE (and no -o)");
            }
            if (cert != null) {
                String id = load(dir).issueOperatorCertificate(name, r, ttl, cert, key);
                stdout.println("wrote the " + r.label() + " client certificate of " + name + " to " + cert + " and its key to "
                        + key + " (0600); credential id " + id + " (revoke with `cascade trust revoke-operator " + id + "`)");
                return 0;
            }
            String token = load(dir).issueOperatorToken(name, r, ttl);
            String id = io.cascade.topology.trust.OperatorTokens.idOf(token);
            if (out == null) {
                stdout.println(token);
            } else {
                Files.writeString(out, token + "\n");
                Files.setPosixFilePermissions(out, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
                stdout.println("wrote the " + r.label() + " credential of " + name + " to " + out + " (0600); pass it with "
                        + "--credential " + out + " or CASCADE_CREDENTIAL");
            }
            spec.commandLine().getErr().println("credential id " + id + " (" + r.label() + ", valid " + ttl.toDays() + " d; "
                    + "revoke with `cascade trust revoke-operator " + id + "`)");
            return 0;
        }
    }

    /** {@code cascade trust revoke-operator ID}: the hub refuses that credential from now on. */
    @Command(name = "revoke-operator", mixinStandardHelpOptions = true,
            description = "Revoke an operator credential by its id (printed when it was issued); needs a publisher credential.")
    static final class RevokeOperator implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "The credential's id.")
        String id;

        @Option(names = "--reason", defaultValue = "", description = "Why, for the audit log.")
        String reason;

        @Mixin
        io.cascade.cli.intent.FleetClient hub;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            hub.call(s -> s.revokeCredential(io.cascade.proto.RevokeCredentialRequest.newBuilder().setId(id).setReason(reason).build()));
            spec.commandLine().getOut().println("credential " + id + " revoked: the hub refuses it from now on");
            return 0;
        }
    }

    /** {@code cascade trust server-cert}: a TLS server certificate from the fleet CA. */
    @Command(name = "server-cert", mixinStandardHelpOptions = true,
            description = "Issue a TLS server certificate (PEM, key PKCS#8 0600) signed by the fleet CA, e.g. for the hub's gRPC API.")
    static final class ServerCert implements Callable<Integer> {
        @Option(names = "--name", required = true, split = ",", paramLabel = "HOST",
                description = "Host names and IP addresses it is valid for (the first is its common name).")
        List<String> names;

        @Option(names = "--cert", required = true, paramLabel = "FILE", description = "Where to write the certificate.")
        Path cert;

        @Option(names = "--key", required = true, paramLabel = "FILE", description = "Where to write its private key (0600).")
        Path key;

        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "The trust root (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            load(dir).issueServerCertificate(names, cert, key);
            spec.commandLine().getOut().println("wrote " + cert + " and " + key + " for " + names);
            return 0;
        }
    }

    /** {@code cascade trust init}: a new operator, accounts and signing key; never replaces one. */
    @Command(name = "init", mixinStandardHelpOptions = true,
            description = "Make the trust root: operator, system and fleet accounts, the account signing key (files 0600). "
                    + "Refuses to overwrite an existing one.")
    static final class Init implements Callable<Integer> {
        @Option(names = "--dir", defaultValue = DEFAULT_DIR, description = "Where to keep it (default: ${DEFAULT-VALUE}).")
        Path dir;

        @Option(names = "--fleet", description = "Fleet file whose hub host names the hub's gRPC certificate "
                + "(with localhost); default: the bundled demo fleet.")
        Path fleetFile;

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
            List<String> hubNames = hubNames(Fleets.loadOrDemo(fleetFile).hub().host());
            root.issueServerCertificate(hubNames, d.resolve(HUB_GRPC_CERT), d.resolve(HUB_GRPC_KEY));
            String apiKey = root.apiPublicKey();
            try {
                Files.writeString(d.resolve("api.pub"), apiKey + "\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
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
            out.println("  api-signing.nk        SECRET, where operator credentials are issued: signs API tokens");
            out.println("  api.pub               public: " + apiKey + ", what the hub verifies them with (`cascade hub --api-key`)");
            out.println("  ca.crt                public: the fleet CA; operators' tools trust it for the hub's gRPC API (--ca)");
            out.println("  ca.key                SECRET, keep offline: signs server certificates");
            out.println("  " + HUB_GRPC_CERT + "          the hub's gRPC certificate for " + hubNames + " (`cascade hub --tls-cert`)");
            out.println("  " + HUB_GRPC_KEY + "          SECRET, on the hub only: its key (`cascade hub --tls-key`)");
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
            // a leaf link's creds are read by nats-server; every other identity is a client, and may dial a relay (TLS)
            UserCredentials creds = identity instanceof Identity.RelayLeaf || identity instanceof Identity.RelaySystemLeaf
                    ? trust.issue(identity) : trust.issueClient(identity);
            if (out == null) {
                stdout.print(creds.render());
            } else {
                creds.write(out);
                stdout.println("wrote credentials of " + identity.name() + " to " + out + " (0600)");
            }
        }
    }
}
