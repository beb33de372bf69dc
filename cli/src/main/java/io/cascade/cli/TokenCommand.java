package io.cascade.cli;

import io.cascade.cli.intent.FleetClient;
import io.cascade.proto.BootstrapToken;
import io.cascade.proto.CreateTokenRequest;
import io.cascade.proto.CreateTokenResponse;
import io.cascade.proto.ListTokensRequest;
import io.cascade.proto.RevokeTokenRequest;
import io.cascade.topology.launch.DurationConverter;
import io.cascade.topology.targeting.Labels;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cascade token create|list|revoke}: the bootstrap tokens devices join the fleet with. */
@Command(name = "token", mixinStandardHelpOptions = true,
        description = "Bootstrap tokens: a device registers with one (`cascade edge --register TOKEN`), scoped to a region "
                + "and labels, expiring, with a use count. Needs a publisher credential.",
        subcommands = {TokenCommand.Create.class, TokenCommand.ListTokens.class, TokenCommand.Revoke.class})
public final class TokenCommand implements Callable<Integer> {

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }

    /** {@code cascade token create}: prints the token alone on stdout (for scripts), the rest on stderr. */
    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Make a bootstrap token; prints it once (the hub keeps only a hash of its secret).")
    static final class Create implements Callable<Integer> {
        @Option(names = "--region", required = true, description = "The region the sites join.")
        String region;

        @Option(names = "--labels", split = ",", paramLabel = "KEY=VALUE", description = "The labels the sites get (and may claim).")
        Map<String, String> labels = new TreeMap<>();

        @Option(names = "--uses", defaultValue = "1", description = "How many sites may register with it (default: ${DEFAULT-VALUE}).")
        int uses;

        @Option(names = "--ttl", defaultValue = "24h", converter = DurationConverter.class,
                description = "How long it is valid, e.g. 30m, 24h, 7d (default: ${DEFAULT-VALUE}).")
        Duration ttl;

        @Mixin
        FleetClient hub;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (uses < 1) {
                throw new IllegalArgumentException("--uses must be at least 1, got " + uses);
            }
            CreateTokenResponse made = hub.call(s -> s.createToken(CreateTokenRequest.newBuilder().setRegion(region)
                    .putAllLabels(labels).setMaxUses(uses)
                    .setTtl(com.google.protobuf.util.Durations.fromSeconds(ttl.toSeconds())).build()));
            spec.commandLine().getOut().println(made.getToken());
            BootstrapToken t = made.getInfo();
            spec.commandLine().getErr().println("token " + t.getId() + ": region " + t.getRegion() + ", labels " + labels(t)
                    + ", " + t.getMaxUses() + " use(s), expires " + expires(t) + " (revoke with `cascade token revoke "
                    + t.getId() + "`)");
            return 0;
        }
    }

    /** {@code cascade token list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the bootstrap tokens, newest first.")
    static final class ListTokens implements Callable<Integer> {
        @Mixin
        FleetClient hub;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            var tokens = hub.call(s -> s.listTokens(ListTokensRequest.getDefaultInstance())).getTokensList();
            String format = "%-16s  %-8s  %-10s  %-30s  %-9s  %-20s  %s%n";
            out.printf(format, "ID", "STATE", "REGION", "LABELS", "USES", "EXPIRES", "CREATED BY");
            for (BootstrapToken t : tokens) {
                out.printf(format, t.getId(), state(t), t.getRegion(), labels(t), t.getUsed() + "/" + t.getMaxUses(),
                        expires(t), t.getCreatedBy());
            }
            if (tokens.isEmpty()) {
                out.println("(no tokens: make one with `cascade token create --region R --labels k=v`)");
            }
            return 0;
        }
    }

    /** {@code cascade token revoke ID}. */
    @Command(name = "revoke", mixinStandardHelpOptions = true,
            description = "Revoke a bootstrap token: every later registration with it is refused; sites that joined with it stay.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "ID", description = "The token's id (or its whole text).")
        String id;

        @Mixin
        FleetClient hub;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            BootstrapToken t = hub.call(s -> s.revokeToken(RevokeTokenRequest.newBuilder().setId(id).build())).getToken();
            spec.commandLine().getOut().println("token " + t.getId() + " revoked (" + t.getUsed() + " site(s) had joined with it)");
            return 0;
        }
    }

    static String labels(BootstrapToken t) {
        return Labels.format(t.getLabelsMap());
    }

    static String expires(BootstrapToken t) {
        return Instant.ofEpochSecond(t.getExpiresAt().getSeconds()).toString();
    }

    static String state(BootstrapToken t) {
        return switch (t.getState()) {
            case TOKEN_ACTIVE -> "active";
            case TOKEN_EXPIRED -> "expired";
            case TOKEN_USED_UP -> "used-up";
            case TOKEN_REVOKED -> "revoked";
            default -> "?";
        };
    }
}
