package io.cascade.cli;

import io.cascade.cli.intent.FleetClient;
import io.cascade.proto.AllowRebuildRequest;
import io.cascade.proto.SiteRecord;
import io.cascade.topology.launch.DurationConverter;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cascade sites rebuild SITE}: a site's device was replaced (rebuilt, new disk): revokes the
 * old device's keys everywhere, then lets the site register once more with a new key, keeping its
 * name and its place in the fleet. The new device joins with a bootstrap token as any device does.
 */
@Command(name = "rebuild", mixinStandardHelpOptions = true,
        description = "A site's device was replaced: revoke its old keys (its connection is closed) and let the site register "
                + "once more, with a new key and a bootstrap token, within --within.")
public final class SitesRebuildCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "SITE", description = "The site whose device is rebuilt.")
    String site;

    @Option(names = "--within", defaultValue = "24h", converter = DurationConverter.class,
            description = "How long the new device has to register (default: ${DEFAULT-VALUE}; at most 30d).")
    Duration within;

    @Mixin
    SitesRemoveCommand.Revocation revocation;

    @Mixin
    FleetClient hub;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        boolean pushed = revocation.revokeAndPush(site, hub, out);
        SiteRecord allowed = hub.call(s -> s.allowRebuild(AllowRebuildRequest.newBuilder().setSite(site)
                .setTtl(com.google.protobuf.util.Durations.fromSeconds(within.toSeconds())).build())).getSite();
        out.printf("hub: site %s (region %s) may register once with a new key until %s: on the new device run%n"
                        + "  cascade edge --site %s --region %s --register TOKEN --hub HOST:PORT --ca ca.crt ...%n",
                site, allowed.getRegion(), Instant.ofEpochSecond(allowed.getRebuildAllowedUntil().getSeconds()), site,
                allowed.getRegion());
        if (!pushed) {
            out.println("no server took the revocation: the old device can still connect; run this again when the hub's "
                    + "nats-server is reachable");
        }
        return pushed ? 0 : 1;
    }
}
