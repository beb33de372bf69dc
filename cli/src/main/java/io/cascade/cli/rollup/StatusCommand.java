package io.cascade.cli.rollup;

import io.cascade.cli.intent.FleetClient;
import io.cascade.proto.GetRollupRequest;
import io.cascade.proto.GetRollupResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cascade status [APP]}: the fleet's rollup, per app and per region. */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the rollup: per app how many sites run what, per region how many are online.")
public final class StatusCommand implements Callable<Integer> {

    @Parameters(index = "0", arity = "0..1", paramLabel = "APP", description = "Only this app.")
    String app;

    @Mixin
    FleetClient client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GetRollupRequest.Builder req = GetRollupRequest.newBuilder();
        if (app != null) {
            req.setApp(app);
        }
        GetRollupResponse r = client.call(s -> s.getRollup(req.build()));
        RollupTable.print(r.getRollup(), spec.commandLine().getOut());
        return 0;
    }
}
