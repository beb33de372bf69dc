package io.cascade.bench.publish;

import static io.cascade.bench.BenchReport.f;
import static io.cascade.bench.BenchReport.percentile;
import static io.cascade.bench.BenchReport.round1;

import io.cascade.bench.BenchReport;
import io.cascade.bench.CpuTimes;
import io.cascade.bench.MachineFacts;
import io.cascade.bench.publish.PublishClients.Outcome;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The result of a publish run, written as {@code publish-<publishes>.json} and {@code .md}.
 *
 * @param scenario  always {@value #SCENARIO}
 * @param startedAt when the run started (ISO-8601, UTC)
 * @param machine   machine, JVM and nats-server facts
 * @param settings  the run's shape
 * @param warmup    the unreported warm-up, kept here so its failures are seen (not in the tables)
 * @param levels    one per concurrency level, in the order they ran
 */
record PublishReport(String scenario, String startedAt, MachineFacts machine, Settings settings, Level warmup,
                     List<Level> levels) implements BenchReport {

    static final String SCENARIO = "publish";

    PublishReport {
        levels = List.copyOf(levels);
    }

    /**
     * What is sampled right before and right after a level's publishes.
     *
     * @param cpu CPU times per process
     * @param hub the hub's JetStream
     */
    record Sample(CpuTimes cpu, HubState.Snapshot hub) {}

    /**
     * @param clients        the concurrency levels
     * @param publishes      publishes per level
     * @param apps           distinct apps per level; publish {@code i} goes to app {@code i % apps}
     * @param warmup         warm-up publishes before the levels
     * @param warmupClients  the warm-up's concurrency
     * @param sites          sites in the fleet file (no edge runs)
     * @param regions        regions, each getting one desired doc per publish
     * @param intentBytes    serialized size of one published intent
     * @param deadlineMs     each PublishIntent call's gRPC deadline
     * @param connections    how clients reach the hub
     */
    record Settings(List<Integer> clients, int publishes, int apps, int warmup, int warmupClients, int sites,
                    List<String> regions, int intentBytes, long deadlineMs, String connections) {}

    /**
     * Client round trips of the successful publishes, milliseconds.
     *
     * @param p50  median (nearest rank)
     * @param p90  90th percentile
     * @param p99  99th percentile
     * @param max  slowest
     * @param mean mean
     */
    record Latency(double p50, double p90, double p99, double max, double mean) {
        static Latency of(long[] nanos) {
            double[] ms = Arrays.stream(nanos).mapToDouble(n -> n / 1e6).toArray();
            return new Latency(round1(percentile(ms, 50)), round1(percentile(ms, 90)), round1(percentile(ms, 99)),
                    round1(percentile(ms, 100)), round1(Arrays.stream(ms).average().orElse(0)));
        }
    }

    /**
     * What the hub held after a level, compared with what its publishes were answered.
     *
     * @param apps                     apps published successfully in the level
     * @param appsListed               of them, those ListIntents shows at their last publish's revision and version
     * @param desiredDocsMatching      region app docs (KV desired) with the last publish as their stable release
     * @param intentsRevisionsExpected changed publishes (one KV intents revision each)
     * @param intentsRevisionsAdded    how far KV intents' last revision advanced during the level
     * @param desiredRevisionsExpected changed publishes times regions (one desired doc per region each)
     * @param desiredRevisionsAdded    how far KV desired's last revision advanced during the level
     * @param problemCount             mismatches found
     * @param problems                 the first {@value HubState#MAX_PROBLEMS_LISTED} of them
     */
    record Verification(int apps, int appsListed, int desiredDocsMatching, long intentsRevisionsExpected,
                        long intentsRevisionsAdded, long desiredRevisionsExpected, long desiredRevisionsAdded,
                        int problemCount, List<String> problems) {

        static Verification of(int apps, int appsListed, int desiredDocsMatching, long intentsExpected, long intentsAdded,
                               long desiredExpected, long desiredAdded, List<String> problems) {
            return new Verification(apps, appsListed, desiredDocsMatching, intentsExpected, intentsAdded, desiredExpected,
                    desiredAdded, problems.size(), List.copyOf(problems.subList(0, Math.min(problems.size(),
                    HubState.MAX_PROBLEMS_LISTED))));
        }
    }

    /**
     * The hub's JetStream around a level.
     *
     * @param apiRequestsPerPublish  JetStream API requests the hub's nats-server served during the level, per
     *                               succeeded publish (key reads, stream and consumer requests)
     * @param desiredConsumersBefore consumers on KV {@code desired}'s stream before the level
     * @param desiredConsumersAfter  and right after its last publish
     * @param intentsConsumersAfter  consumers on KV {@code intents}' stream right after its last publish
     */
    record HubJetStream(double apiRequestsPerPublish, long desiredConsumersBefore, long desiredConsumersAfter,
                        long intentsConsumersAfter) {
        static HubJetStream of(HubState.Snapshot before, HubState.Snapshot after, int publishes) {
            long api = after.jsApiRequests() - before.jsApiRequests();
            return new HubJetStream(publishes == 0 ? 0 : round1((double) api / publishes), before.desiredConsumers(),
                    after.desiredConsumers(), after.intentsConsumers());
        }
    }

    /**
     * One concurrency level.
     *
     * @param clients            concurrent clients, each with its own channel
     * @param publishes          publishes attempted
     * @param succeeded          publishes the hub answered OK
     * @param unchanged          of them, answered {@code unchanged} (each carried a new version, so 0 expected)
     * @param wallMs             from the start signal to the last answer
     * @param publishesPerSecond succeeded publishes per second of wall time
     * @param latencyMs          client round trips of the successful publishes
     * @param errors             failed publishes by gRPC status code ({@code CLIENT}: failed in this JVM)
     * @param firstError         the first failure, or null
     * @param cpuMs              CPU used during the level per process: the three nats-servers, and this JVM
     *                           (hub and relay services and the clients)
     * @param cpuMsPerPublish    {@code cpuMs} divided by succeeded publishes
     * @param hubJetStream       what the publishes asked of the hub's JetStream
     * @param verification       the hub's state afterwards
     * @param complete           every publish succeeded and changed something, and the state matched
     */
    record Level(int clients, int publishes, int succeeded, int unchanged, double wallMs, double publishesPerSecond,
                 Latency latencyMs, Map<String, Integer> errors, String firstError, Map<String, Double> cpuMs,
                 Map<String, Double> cpuMsPerPublish, HubJetStream hubJetStream, Verification verification,
                 boolean complete) {

        static Level of(int clients, int publishes, Outcome<Sample> o, Verification v) {
            double wallMs = o.wallNanos() / 1e6;
            Map<String, Double> cpu = o.after().cpu().millisSince(o.before().cpu());
            Map<String, Double> perPublish = new LinkedHashMap<>();
            cpu.forEach((k, ms) -> perPublish.put(k, o.succeeded() == 0 ? 0 : Math.round(ms / o.succeeded() * 100) / 100.0));
            boolean complete = o.succeeded() == publishes && o.errors().isEmpty() && o.unchanged() == 0
                    && v.problemCount() == 0;
            return new Level(clients, publishes, o.succeeded(), o.unchanged(), round1(wallMs),
                    round1(wallMs == 0 ? 0 : o.succeeded() / (wallMs / 1000)), Latency.of(o.latencyNanos()),
                    new TreeMap<>(o.errors()), o.firstError(), cpu, perPublish,
                    HubJetStream.of(o.before().hub(), o.after().hub(), o.succeeded()), v, complete);
        }

        String why() {
            List<String> why = new ArrayList<>();
            if (succeeded != publishes) {
                why.add((publishes - succeeded) + " of " + publishes + " publishes failed " + errors
                        + (firstError == null ? "" : ", first: " + firstError));
            }
            if (unchanged > 0) {
                why.add(unchanged + " publishes were answered unchanged");
            }
            if (verification.problemCount() > 0) {
                why.add(verification.problemCount() + " state mismatches, first: " + verification.problems().getFirst());
            }
            return why.isEmpty() ? "complete" : String.join("; ", why);
        }
    }

    @Override
    public boolean complete() {
        return (warmup == null || warmup.complete()) && levels.stream().allMatch(Level::complete);
    }

    @Override
    public String incompleteReason() {
        List<String> why = new ArrayList<>();
        if (warmup != null && !warmup.complete()) {
            why.add("warm-up: " + warmup.why());
        }
        levels.stream().filter(l -> !l.complete()).forEach(l -> why.add(l.clients() + " clients: " + l.why()));
        return String.join("\n", why);
    }

    @Override
    public String fileStem() {
        return SCENARIO + "-" + settings.publishes();
    }

    @Override
    public String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# Publish, ").append(settings.publishes()).append(" publishes per level over ")
                .append(settings.apps()).append(" apps\n\n");
        b.append("Hub + ").append(settings.regions().size()).append(" relays (nats-server ").append(machine.natsServer())
                .append("), ").append(settings.sites()).append(" sites in the fleet file, no edge running. ")
                .append(settings.connections()).append(", PublishIntent back-to-back, deadline ")
                .append(settings.deadlineMs()).append(" ms. Every publish is a new bundle version (intent of ")
                .append(settings.intentBytes()).append(" bytes); the hub answers after JetStream acknowledged its KV ")
                .append("writes: one revision of `intents`, one `desired` doc per region (")
                .append(settings.regions().size()).append("), acknowledged once stored by the file store (nats-server ")
                .append("does not fsync each write: its file store syncs on a timer, 2 min by default, and the fabric ")
                .append("sets no `sync_interval`). Warm-up: ").append(settings.warmup())
                .append(" publishes at ").append(settings.warmupClients()).append(" clients, not in the tables");
        if (warmup != null) {
            b.append(" (").append(f(warmup.wallMs())).append(" ms, slowest ").append(f(warmup.latencyMs().max()))
                    .append(" ms)");
        }
        b.append(". ").append(machine.cores()).append(" cores (").append(machine.cpuModel()).append("), JVM ")
                .append(machine.jvm()).append(", started ").append(startedAt).append(".\n\n");
        List<String> procs = levels.isEmpty() ? List.of() : List.copyOf(levels.getFirst().cpuMs().keySet());
        b.append("| clients | publishes | ok | wall | publishes/s | p50 | p90 | p99 | max | errors |");
        procs.forEach(p -> b.append(" CPU ").append(p).append(" |"));
        b.append(" state |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|");
        procs.forEach(p -> b.append("---:|"));
        b.append("---|\n");
        for (Level l : levels) {
            b.append("| ").append(l.clients()).append(" | ").append(l.publishes()).append(" | ").append(l.succeeded())
                    .append(" | ").append(f(l.wallMs())).append(" ms | ").append(f(l.publishesPerSecond())).append(" | ")
                    .append(f(l.latencyMs().p50())).append(" ms | ").append(f(l.latencyMs().p90())).append(" ms | ")
                    .append(f(l.latencyMs().p99())).append(" ms | ").append(f(l.latencyMs().max())).append(" ms | ")
                    .append(errors(l.errors())).append(" |");
            procs.forEach(p -> b.append(' ').append(f(l.cpuMs().getOrDefault(p, 0.0))).append(" ms |"));
            b.append(l.complete() ? " verified |\n" : " **incomplete** |\n");
        }
        b.append("\nLatency: client round trip of the successful publishes. CPU from /proc per process (10 ms ticks): ")
                .append("`hub` and `relay-*` are the nats-servers, `bench-jvm` runs the hub and relay services and the ")
                .append("clients.\n\n");
        b.append("## Per publish\n\n| clients |");
        procs.forEach(p -> b.append(" CPU ").append(p).append(" |"));
        b.append(" JetStream API requests | consumers on KV desired, before → after |\n|---:|");
        procs.forEach(p -> b.append("---:|"));
        b.append("---:|---:|\n");
        for (Level l : levels) {
            b.append("| ").append(l.clients()).append(" |");
            procs.forEach(p -> b.append(' ').append(String.format(Locale.ROOT, "%.2f",
                    l.cpuMsPerPublish().getOrDefault(p, 0.0))).append(" ms |"));
            HubJetStream js = l.hubJetStream();
            b.append(' ').append(f(js.apiRequestsPerPublish())).append(" | ").append(js.desiredConsumersBefore())
                    .append(" → ").append(js.desiredConsumersAfter()).append(" |\n");
        }
        b.append("\nJetStream API requests: `/varz` of the hub's nats-server, per succeeded publish (KV puts are not "
                + "API requests). Consumers: on the stream of KV `desired`, which the relays mirror and the hub watches.\n");
        b.append("\n## State after each level\n\n")
                .append("| clients | apps | ListIntents at last publish | desired docs at last publish | ")
                .append("KV intents revisions (expected) | KV desired revisions (expected) | problems |\n")
                .append("|---:|---:|---:|---:|---:|---:|---:|\n");
        for (Level l : levels) {
            Verification v = l.verification();
            b.append("| ").append(l.clients()).append(" | ").append(v.apps()).append(" | ").append(v.appsListed())
                    .append(" | ").append(v.desiredDocsMatching()).append(" | ").append(v.intentsRevisionsAdded())
                    .append(" (").append(v.intentsRevisionsExpected()).append(") | ").append(v.desiredRevisionsAdded())
                    .append(" (").append(v.desiredRevisionsExpected()).append(") | ").append(v.problemCount()).append(" |\n");
        }
        if (!complete()) {
            b.append("\n**Incomplete:**\n\n");
            incompleteReason().lines().forEach(line -> b.append("- ").append(line).append('\n'));
        }
        return b.toString();
    }

    private static String errors(Map<String, Integer> errors) {
        return errors.isEmpty() ? "0" : errors.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
