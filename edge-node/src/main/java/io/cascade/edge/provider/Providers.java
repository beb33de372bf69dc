package io.cascade.edge.provider;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds a {@link Provider} from a one-line spec, the form of an edge's {@code --provider} option. */
public final class Providers {

    /** The spec syntax, for a command line's help. */
    public static final String SPEC_SYNTAX = """
            sim[:latency=<duration>,failure=<0..1>,seed=<long>,failApps=<app>|<app>...]  simulated, in memory \
            (duration: 50ms, 2s, 1m or ISO-8601 like PT0.5S; seed defaults to a random one);
            dir:<path>  files in a manifest directory such as /var/lib/rancher/k3s/server/manifests;
            k8s[:context=<kubeconfig context>]  a Kubernetes cluster through the API server (in-cluster \
            service account, KUBECONFIG or ~/.kube/config);
            slow:<duration>:<spec>  the provider of <spec>, each apply acknowledged <duration> after it \
            landed (crash tests: a kill in that window finds the apply landed but not recorded)""";

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h)");

    /** A parsed spec; {@link #build(Spec)} makes the provider. */
    sealed interface Spec {
        record Sim(SimulatedProvider.Settings settings) implements Spec {}

        record Dir(Path path) implements Spec {}

        record K8s(Optional<String> context) implements Spec {}

        record Slow(Duration ackDelay, Spec inner) implements Spec {}
    }

    private Providers() {}

    /**
     * Parses {@code spec} ({@link #SPEC_SYNTAX}) and builds the provider. A {@code k8s} provider
     * owns its client and closes it in {@link Provider#close()}; it does not connect before its
     * first call.
     *
     * @throws IllegalArgumentException with a message naming the bad part of the spec
     */
    public static Provider fromSpec(String spec) {
        return build(parse(spec));
    }

    static Spec parse(String spec) {
        return parse(spec, spec);
    }

    /** Parses {@code part} of {@code spec} (all of it, or the inner spec of {@code slow}); errors name {@code spec}. */
    private static Spec parse(String spec, String part) {
        if (part == null || part.isBlank()) {
            throw bad(spec, "it is empty");
        }
        String text = part.strip();
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        String rest = colon < 0 ? null : text.substring(colon + 1);
        return switch (kind) {
            case "sim" -> new Spec.Sim(simSettings(spec, options(spec, rest, Set.of("latency", "failure", "seed", "failApps"))));
            case "dir" -> new Spec.Dir(dirPath(spec, rest));
            case "k8s" -> {
                Map<String, String> options = options(spec, rest, Set.of("context"));
                String context = options.get("context");
                if (context != null && context.isEmpty()) {
                    throw bad(spec, "context must not be empty");
                }
                yield new Spec.K8s(Optional.ofNullable(context));
            }
            case "slow" -> {
                int second = rest == null ? -1 : rest.indexOf(':');
                if (second <= 0) {
                    throw bad(spec, "expected slow:<duration>:<provider spec>");
                }
                yield new Spec.Slow(duration(spec, rest.substring(0, second)), parse(spec, rest.substring(second + 1)));
            }
            default -> throw bad(spec, "unknown provider \"" + kind + "\"; expected sim, dir:<path>, k8s or slow:<duration>:<spec>");
        };
    }

    static Provider build(Spec spec) {
        return switch (spec) {
            case Spec.Sim sim -> new SimulatedProvider(sim.settings());
            case Spec.Dir dir -> new ManifestDirProvider(dir.path());
            case Spec.K8s k8s -> KubernetesLoader.create(k8s.context()); // fabric8 loaded only now
            case Spec.Slow slow -> new SlowAcknowledgingProvider(build(slow.inner()), slow.ackDelay());
        };
    }

    private static SimulatedProvider.Settings simSettings(String spec, Map<String, String> options) {
        Duration latency = Duration.ZERO;
        double failure = 0;
        long seed = ThreadLocalRandom.current().nextLong();
        Set<String> failApps = new LinkedHashSet<>();
        if (options.containsKey("latency")) {
            latency = duration(spec, options.get("latency"));
        }
        if (options.containsKey("failure")) {
            try {
                failure = Double.parseDouble(options.get("failure"));
            } catch (NumberFormatException e) {
                throw bad(spec, "failure must be a number between 0 and 1, got \"" + options.get("failure") + "\"");
            }
        }
        if (options.containsKey("seed")) {
            try {
                seed = Long.parseLong(options.get("seed"));
            } catch (NumberFormatException e) {
                throw bad(spec, "seed must be a whole number, got \"" + options.get("seed") + "\"");
            }
        }
        if (options.containsKey("failApps")) {
            for (String app : options.get("failApps").split("\\|", -1)) {
                if (!AppNames.isDnsLabel(app)) {
                    throw bad(spec, "failApps must be app names (DNS labels) separated by |, got \"" + app + "\"");
                }
                failApps.add(app);
            }
        }
        try {
            return new SimulatedProvider.Settings(latency, failure, seed, failApps);
        } catch (IllegalArgumentException e) {
            throw bad(spec, e.getMessage());
        }
    }

    private static Duration duration(String spec, String text) {
        Matcher m = SHORT_DURATION.matcher(text);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        try {
            return Duration.parse(text);
        } catch (DateTimeParseException e) {
            throw bad(spec, "latency must be a duration such as 50ms, 2s, 1m or PT0.5S, got \"" + text + "\"");
        }
    }

    private static Path dirPath(String spec, String rest) {
        if (rest == null || rest.isBlank()) {
            throw bad(spec, "dir needs a path: dir:/var/lib/rancher/k3s/server/manifests");
        }
        try {
            return Path.of(rest);
        } catch (InvalidPathException e) {
            throw bad(spec, "not a path: " + e.getMessage());
        }
    }

    /** {@code k=v,k2=v2} into a map, each key known and given once. */
    private static Map<String, String> options(String spec, String text, Set<String> known) {
        Map<String, String> options = new LinkedHashMap<>();
        if (text == null) {
            return options;
        }
        if (text.isBlank()) {
            throw bad(spec, "nothing after ':'; drop the ':' or give key=value options");
        }
        for (String pair : text.split(",", -1)) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw bad(spec, "expected key=value, got \"" + pair + "\"");
            }
            String key = pair.substring(0, eq).strip();
            if (!known.contains(key)) {
                throw bad(spec, "unknown option \"" + key + "\"; known: " + String.join(", ", known.stream().sorted().toList()));
            }
            if (options.put(key, pair.substring(eq + 1).strip()) != null) {
                throw bad(spec, "option \"" + key + "\" given twice");
            }
        }
        return options;
    }

    private static IllegalArgumentException bad(String spec, String why) {
        return new IllegalArgumentException("bad provider spec \"" + spec + "\": " + why
                + " (expected one of: sim[:options], dir:<path>, k8s[:context=<name>], slow:<duration>:<spec>)");
    }
}
