package io.cascade.cli.intent;

import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cascade publish -f intent.yaml [-f more.yaml | -f dir/ ...]}: one or many intents in one call, over one
 * connection to the hub, for scripts that publish in bulk (a JVM start per intent costs ~1 s).
 *
 * <p>Every file is read and parsed before anything is published: a file that cannot be read or parsed, or
 * two files for the same app, publish nothing. Then the intents go out in the order given (a directory's
 * files by name); an intent the hub refuses (invalid, a lost race) is reported and the rest still go out,
 * and the command ends with exit status 2 naming how many were refused. A hub that cannot be reached stops it.
 */
@Command(name = "publish", mixinStandardHelpOptions = true, description = "Publish fleet intents from YAML files.")
public final class PublishCommand implements Callable<Integer> {

    private static final Set<String> EXTENSIONS = Set.of(".yaml", ".yml", ".json");

    @Option(names = {"-f", "--file"}, required = true, paramLabel = "FILE|DIR",
            description = "An intent file (YAML or JSON), or a directory of them (*.yaml, *.yml, *.json, by name); repeatable.")
    List<Path> files;

    @Mixin
    FleetClient client;

    @Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        Map<Path, Intent> intents = read(files);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<String> refused = client.session(stub -> {
            List<String> no = new ArrayList<>();
            intents.forEach((file, intent) -> {
                try {
                    PublishIntentResponse r = stub.get().publishIntent(PublishIntentRequest.newBuilder().setIntent(intent).build());
                    out.printf("%s: %s at intent revision %d%n", intent.getApp(), r.getUnchanged() ? "unchanged" : "published",
                            r.getIntentRevision());
                } catch (StatusRuntimeException e) {
                    if (!refusal(e.getStatus().getCode()) || intents.size() == 1) {
                        throw e;
                    }
                    no.add(intent.getApp());
                    err.printf("%s (%s): refused: %s%s%n", intent.getApp(), file, e.getStatus().getCode(),
                            e.getStatus().getDescription() == null ? "" : ": " + e.getStatus().getDescription());
                }
            });
            return no;
        });
        out.flush();
        if (!refused.isEmpty()) {
            err.printf("%d of %d intents refused: %s%n", refused.size(), intents.size(), String.join(", ", refused));
            err.flush();
            return io.cascade.topology.launch.CommandMain.BAD_INPUT;
        }
        if (intents.size() > 1) {
            out.printf("%d intents sent%n", intents.size());
            out.flush();
        }
        return 0;
    }

    /** The hub's no to this intent alone; anything else (unreachable, shutting down, a bad credential) stops the batch. */
    private static boolean refusal(Status.Code code) {
        return switch (code) {
            case INVALID_ARGUMENT, FAILED_PRECONDITION, ABORTED, ALREADY_EXISTS, NOT_FOUND, OUT_OF_RANGE -> true;
            default -> false;
        };
    }

    /** Every intent of {@code given}, by file in order; all problems at once as one IllegalArgumentException. */
    static Map<Path, Intent> read(List<Path> given) {
        Map<Path, Intent> intents = new LinkedHashMap<>();
        Map<String, Path> byApp = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (Path file : expand(given, problems)) {
            try {
                Intent intent = IntentFile.parse(Files.readString(file), file.toString());
                Path other = byApp.putIfAbsent(intent.getApp(), file);
                if (other != null) {
                    problems.add("app " + intent.getApp() + " is in both " + other + " and " + file);
                } else {
                    intents.put(file, intent);
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            } catch (IOException e) {
                problems.add("cannot read " + file + ": " + e.getMessage());
            }
        }
        if (problems.isEmpty() && intents.isEmpty()) {
            problems.add("no intent file in " + given);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException((problems.size() == 1 ? "" : problems.size() + " problems, nothing published:\n  ")
                    + String.join("\n  ", problems));
        }
        return intents;
    }

    private static List<Path> expand(List<Path> given, List<String> problems) {
        List<Path> files = new ArrayList<>();
        for (Path p : given) {
            if (!Files.isDirectory(p)) {
                files.add(p);
                continue;
            }
            try (Stream<Path> in = Files.list(p)) {
                in.filter(f -> Files.isRegularFile(f) && EXTENSIONS.stream().anyMatch(f.getFileName().toString()::endsWith))
                        .sorted().forEach(files::add);
            } catch (IOException | UncheckedIOException e) {
                problems.add("cannot list " + p + ": " + e.getMessage());
            }
        }
        return files;
    }
}
