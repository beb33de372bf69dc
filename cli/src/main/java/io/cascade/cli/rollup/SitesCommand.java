package io.cascade.cli.rollup;

import io.cascade.cli.intent.FleetClient;
import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.SiteEntry;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cascade sites --app X --state FAILED}: drill down to the sites, through the relays. */
@Command(name = "sites", mixinStandardHelpOptions = true, subcommands = {io.cascade.cli.SitesRemoveCommand.class, io.cascade.cli.SitesRebuildCommand.class},
        description = "List sites with their app states (drill-down through the relays).")
public final class SitesCommand implements Callable<Integer> {

    @Option(names = "--app", description = "Only sites that run or are targeted by this app.")
    String app;

    @Option(names = "--state", description = "Only sites whose app is in this state: ${COMPLETION-CANDIDATES}.")
    AppState state;

    @Option(names = "--region", description = "Only this region.")
    String region;

    @Option(names = "--revision", description = "Only sites reporting the app at this intent revision.")
    Long revision;

    @Mixin
    FleetClient client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (state == AppState.UNRECOGNIZED || state == AppState.APP_STATE_UNSPECIFIED) {
            throw new IllegalArgumentException("--state must be one of PENDING, APPLYING, READY, FAILED, DRIFTED");
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-20s %-8s %-7s %-20s %9s %-9s %s%n", "SITE", "REGION", "ONLINE", "APP", "REVISION", "STATE", "MESSAGE");
        String token = "";
        do {
            ListSitesRequest.Builder req = ListSitesRequest.newBuilder().setPageSize(500).setPageToken(token);
            if (app != null) {
                req.setApp(app);
            }
            if (state != null) {
                req.setState(state);
            }
            if (region != null) {
                req.setRegion(region);
            }
            if (revision != null) {
                req.setIntentRevision(revision);
            }
            ListSitesResponse page = client.call(s -> s.listSites(req.build()));
            for (SiteEntry e : page.getSitesList()) {
                boolean shown = false;
                for (AppStatus a : e.getStatus().getAppsList()) {
                    if ((app == null || app.equals(a.getApp())) && (state == null || state == a.getState())
                            && (revision == null || revision == a.getIntentRevision())) {
                        out.printf("%-20s %-8s %-7s %-20s %9d %-9s %s%n", e.getStatus().getSite(), e.getStatus().getRegion(),
                                e.getOnline() ? "yes" : "no", a.getApp(), a.getIntentRevision(), a.getState(), a.getMessage());
                        shown = true;
                    }
                }
                if (!shown && app == null && state == null && revision == null) {
                    // a site that runs no app yet is still one of the fleet's sites
                    out.printf("%-20s %-8s %-7s %-20s %9s %-9s %s%n", e.getStatus().getSite(), e.getStatus().getRegion(),
                            e.getOnline() ? "yes" : "no", "-", "-", "-", "");
                }
            }
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return 0;
    }
}
