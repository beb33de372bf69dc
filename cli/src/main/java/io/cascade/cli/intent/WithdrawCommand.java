package io.cascade.cli.intent;

import io.cascade.proto.WithdrawIntentRequest;
import io.cascade.proto.WithdrawIntentResponse;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code cascade withdraw APP}: the app leaves every site. */
@Command(name = "withdraw", mixinStandardHelpOptions = true, description = "Withdraw an app's intent: it is removed from every site.")
public final class WithdrawCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "APP", description = "The app to withdraw.")
    String app;

    @Mixin
    FleetClient client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        WithdrawIntentResponse r = client.call(s -> s.withdrawIntent(WithdrawIntentRequest.newBuilder().setApp(app).build()));
        spec.commandLine().getOut().printf("%s: withdrawn at intent revision %d%n", app, r.getIntentRevision());
        return 0;
    }
}
