package io.cascade.cli.intent;

import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cascade publish -f intent.yaml}. */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish a fleet intent from a YAML file.")
public final class PublishCommand implements Callable<Integer> {

    @Option(names = {"-f", "--file"}, required = true, description = "The intent file (YAML or JSON).")
    Path file;

    @Mixin
    FleetClient client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Intent intent = IntentFile.parse(Files.readString(file), file.toString());
        PublishIntentResponse r = client.call(s -> s.publishIntent(PublishIntentRequest.newBuilder().setIntent(intent).build()));
        spec.commandLine().getOut().printf("%s: %s at intent revision %d%n", intent.getApp(),
                r.getUnchanged() ? "unchanged" : "published", r.getIntentRevision());
        return 0;
    }
}
