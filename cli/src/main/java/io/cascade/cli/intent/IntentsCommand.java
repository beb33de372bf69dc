package io.cascade.cli.intent;

import io.cascade.proto.IntentSummary;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.ListIntentsResponse;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/** {@code cascade intents}: the published intents, one line each. */
@Command(name = "intents", mixinStandardHelpOptions = true, description = "List the published intents.")
public final class IntentsCommand implements Callable<Integer> {

    @Mixin
    FleetClient client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-24s %9s %-14s %-25s %s%n", "APP", "REVISION", "VERSION", "PUBLISHED", "DESCRIPTION");
        String token = "";
        do {
            String page = token;
            ListIntentsResponse r = client.call(s -> s.listIntents(ListIntentsRequest.newBuilder().setPageSize(100).setPageToken(page).build()));
            for (IntentSummary i : r.getIntentsList()) {
                out.printf("%-24s %9d %-14s %-25s %s%n", i.getApp(), i.getIntentRevision(), i.getBundleVersion(),
                        Instant.ofEpochSecond(i.getPublishedAt().getSeconds()), i.getDescription());
            }
            token = r.getNextPageToken();
        } while (!token.isEmpty());
        return 0;
    }
}
