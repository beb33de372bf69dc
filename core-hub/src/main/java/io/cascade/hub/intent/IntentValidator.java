package io.cascade.hub.intent;

import com.google.protobuf.ByteString;
import com.google.protobuf.util.Durations;
import io.cascade.proto.Bundle;
import io.cascade.proto.Intent;
import io.cascade.proto.IntentMetadata;
import io.cascade.proto.LabelRequirement;
import io.cascade.proto.Resource;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.SiteOverride;
import io.cascade.proto.Target;
import io.cascade.proto.Wave;
import io.cascade.hub.sites.SiteLookup;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.RegionSpec;
import io.cascade.topology.fleet.SiteSpec;
import io.cascade.topology.targeting.InvalidSelectorException;
import io.cascade.topology.targeting.LabelSelector;
import io.cascade.topology.targeting.Labels;
import io.cascade.topology.targeting.Operator;
import io.cascade.topology.targeting.ProtoTargets;
import io.cascade.topology.targeting.Requirement;
import io.cascade.topology.targeting.Waves;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks an intent against the wire contract and the fleet, and fills in every {@code Resource.sha256}.
 * It reports every problem it finds at once, each naming its field by the path an intent file uses
 * (the JSON names), e.g. {@code bundle.resources[2]: duplicate resource Deployment default/web (same as
 * bundle.resources[0])}. Selectors and waves are checked by {@code io.cascade.topology.targeting}, the
 * code that relays and edges evaluate them with.
 */
final class IntentValidator {

    /** Largest serialized bundle (1 MiB), and largest serialized override. */
    static final int MAX_BUNDLE_BYTES = 1024 * 1024;
    static final int MAX_VERSION_LENGTH = 128;
    static final int MAX_DESCRIPTION_LENGTH = 1024;
    static final int MAX_ANNOTATION_LENGTH = 4096;

    private static final int MAX_DNS_LABEL = 63;
    private static final Pattern VALUE_KEY = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final String FILE_KIND = "File";

    private final Set<String> regions = new java.util.LinkedHashSet<>();
    private final SiteLookup sites;
    private final long maxIntentBytes;

    /**
     * @param fleet          the regions an intent may name
     * @param sites          the sites an intent may name (the hub's live site set)
     * @param maxIntentBytes the largest serialized intent the hub's nats-server takes (its max_payload)
     */
    IntentValidator(Fleet fleet, SiteLookup sites, long maxIntentBytes) {
        for (RegionSpec region : fleet.regions()) {
            regions.add(region.name());
        }
        this.sites = java.util.Objects.requireNonNull(sites, "sites");
        this.maxIntentBytes = maxIntentBytes;
    }

    /** Why {@code value} is not a DNS label (1..63 of {@code [a-z0-9-]}, alphanumeric at both ends). */
    static Optional<String> dnsLabelProblem(String value) {
        if (value.isEmpty()) {
            return Optional.of("required: a DNS label such as \"web\"");
        }
        if (!io.cascade.topology.DnsLabel.isValid(value)) {
            return Optional.of(quote(value) + " is not a DNS label: use 1 to " + MAX_DNS_LABEL
                    + " lower-case letters, digits or '-', starting and ending with a letter or digit");
        }
        return Optional.empty();
    }

    /**
     * The intent as the hub stores it: every resource's {@code sha256} filled in.
     *
     * @throws IntentException {@link IntentException.Reason#INVALID}, listing every problem by field
     */
    Intent validate(Intent intent) throws IntentException {
        Problems problems = new Problems();
        Intent.Builder stored = intent.toBuilder();
        dnsLabelProblem(intent.getApp()).ifPresent(problem -> problems.add("app", problem));
        metadata(intent.getMetadata(), problems);
        if (intent.hasBundle()) {
            bundle(stored.getBundleBuilder(), problems);
        } else {
            problems.add("bundle", "required: a version and the resources to run");
        }
        List<String> targeted = target(intent.getTarget(), problems);
        rollout(intent.getRollout(), problems);
        overrides(stored.getOverridesBuilderList(), targeted, problems);
        if (problems.isEmpty()) {
            long size = stored.build().getSerializedSize();
            if (size > maxIntentBytes) {
                problems.add("intent", "serialized size is " + size + " bytes, over the " + maxIntentBytes
                        + " bytes the hub's nats-server takes in one message (max_payload); "
                        + "shrink the bundle or the overrides");
            }
        }
        problems.throwIfAny();
        return stored.build();
    }

    private static void metadata(IntentMetadata metadata, Problems problems) {
        if (metadata.getDescription().length() > MAX_DESCRIPTION_LENGTH) {
            problems.add("metadata.description", "is " + metadata.getDescription().length()
                    + " characters, at most " + MAX_DESCRIPTION_LENGTH + " are allowed");
        }
        new TreeMap<>(metadata.getLabelsMap()).forEach((key, value) -> {
            Labels.keyError(key).ifPresent(error -> problems.add("metadata.labels", error));
            Labels.valueError(value).ifPresent(error -> problems.add("metadata.labels[" + quote(key) + "]", error));
        });
        new TreeMap<>(metadata.getAnnotationsMap()).forEach((key, value) -> {
            if (key.isEmpty()) {
                problems.add("metadata.annotations", "a key must be non-empty");
            }
            if (value.length() > MAX_ANNOTATION_LENGTH) {
                problems.add("metadata.annotations[" + quote(key) + "]", "value is " + value.length()
                        + " characters, at most " + MAX_ANNOTATION_LENGTH + " are allowed");
            }
        });
    }

    private static void bundle(Bundle.Builder bundle, Problems problems) {
        String version = bundle.getVersion();
        if (version.isEmpty()) {
            problems.add("bundle.version", "required: a version label such as \"1.4.2\" or a git SHA");
        } else if (version.length() > MAX_VERSION_LENGTH) {
            problems.add("bundle.version", "is " + version.length() + " characters, at most "
                    + MAX_VERSION_LENGTH + " are allowed");
        } else if (version.chars().anyMatch(Character::isISOControl)) {
            problems.add("bundle.version", quote(version) + " contains control characters; use printable ones");
        }
        resources("bundle.resources", bundle.getResourcesBuilderList(), problems);
        int size = bundle.build().getSerializedSize();
        if (size > MAX_BUNDLE_BYTES) {
            problems.add("bundle", "serialized size is " + size + " bytes (sha256 fields included), over the limit of "
                    + MAX_BUNDLE_BYTES + " bytes (1 MiB)");
        }
    }

    /** Checks each resource, fills in its sha256 and finds duplicates of (kind, namespace, name). */
    private static void resources(String path, List<Resource.Builder> resources, Problems problems) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < resources.size(); i++) {
            Resource.Builder resource = resources.get(i);
            String at = path + "[" + i + "]";
            boolean isFile = FILE_KIND.equals(resource.getKind());
            if (resource.getKind().isEmpty()) {
                problems.add(at + ".kind", "required: a Kubernetes kind such as \"Deployment\", or \"File\"");
            }
            if (resource.getName().isEmpty()) {
                problems.add(at + ".name", "required");
            } else if (isFile && (resource.getName().startsWith("/")
                    || List.of(resource.getName().split("/")).contains(".."))) {
                problems.add(at + ".name", "a File's name is a path inside the provider's directory: "
                        + "no leading '/' and no '..' segments, found " + quote(resource.getName()));
            }
            if (resource.hasNamespace() && !isFile) {
                if (resource.getNamespace().isEmpty()) {
                    problems.add(at + ".namespace", "is set but empty; leave it unset for the app's own namespace");
                } else {
                    dnsLabelProblem(resource.getNamespace()).ifPresent(p -> problems.add(at + ".namespace", p));
                }
            }
            ByteString content = switch (resource.getContentCase()) {
                case MANIFEST -> resource.getManifestBytes();
                case DATA -> resource.getData();
                case CONTENT_NOT_SET -> null;
            };
            if (content == null) {
                problems.add(at, "resource " + describe(resource) + " has no content: set manifest (text) or data (bytes)");
            } else {
                String sha256 = sha256(content);
                if (!resource.getSha256().isEmpty() && !resource.getSha256().equalsIgnoreCase(sha256)) {
                    problems.add(at + ".sha256", quote(resource.getSha256()) + " is not the SHA-256 of the content ("
                            + sha256 + "); leave it empty and the hub fills it in");
                }
                resource.setSha256(sha256);
            }
            String identity = resource.getKind() + '\u0000' + (isFile ? "" : resource.getNamespace()) + '\u0000'
                    + resource.getName();
            Integer first = seen.putIfAbsent(identity, i);
            if (first != null) {
                problems.add(at, "duplicate resource " + describe(resource) + " (same as " + path + "[" + first + "])");
            }
        }
    }

    /** The regions the intent targets (every fleet region when it lists none). */
    private List<String> target(Target target, Problems problems) {
        selector(target.getSelector(), problems);
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < target.getRegionsCount(); i++) {
            String region = target.getRegions(i);
            String at = "target.regions[" + i + "]";
            if (!regions.contains(region)) {
                problems.add(at, "unknown region " + quote(region) + "; the fleet has regions " + regions);
            }
            Integer first = seen.putIfAbsent(region, i);
            if (first != null) {
                problems.add(at, "duplicate region " + quote(region) + " (same as target.regions[" + first + "])");
            }
        }
        return target.getRegionsCount() == 0 ? List.copyOf(regions) : target.getRegionsList();
    }

    /** Converts the selector to the topology's, whose constructors apply the Kubernetes rules. */
    private static void selector(io.cascade.proto.LabelSelector selector, Problems problems) {
        List<Requirement> requirements = new ArrayList<>();
        for (int i = 0; i < selector.getMatchExpressionsCount(); i++) {
            LabelRequirement expression = selector.getMatchExpressions(i);
            String at = "target.selector.matchExpressions[" + i + "]";
            Operator operator = ProtoTargets.operator(expression.getOperator()).orElse(null);
            if (operator == null) {
                problems.add(at + ".operator", "required: one of IN, NOT_IN, EXISTS, DOES_NOT_EXIST (found "
                        + expression.getOperator() + ")");
                continue;
            }
            try {
                requirements.add(new Requirement(expression.getKey(), operator, new TreeSet<>(expression.getValuesList())));
            } catch (InvalidSelectorException e) {
                problems.add(at, e.getMessage());
            }
        }
        try {
            new LabelSelector(new TreeMap<>(selector.getMatchLabelsMap()), requirements);
        } catch (InvalidSelectorException e) {
            // the topology's messages start with the field: "matchLabels[...]: label value ..."
            problems.addRaw("target.selector." + e.getMessage());
        }
    }

    private static void rollout(RolloutPolicy rollout, Problems problems) {
        if (rollout.getWavesCount() > 0) {
            List<Integer> percents = new ArrayList<>();
            for (Wave wave : rollout.getWavesList()) {
                percents.add((int) Math.min(Integer.toUnsignedLong(wave.getPercent()), Integer.MAX_VALUE));
            }
            Waves.wavesError(percents).ifPresent(error -> problems.addRaw("rollout." + error));
        }
        if (Integer.toUnsignedLong(rollout.getFailureLimitPercent()) > 100) {
            problems.add("rollout.failureLimitPercent", "is " + Integer.toUnsignedString(rollout.getFailureLimitPercent())
                    + " but must be between 0 and 100");
        }
        if (rollout.hasSuccessThresholdPercent()) {
            long threshold = Integer.toUnsignedLong(rollout.getSuccessThresholdPercent());
            if (threshold < 1 || threshold > 100) {
                problems.add("rollout.successThresholdPercent", "is " + threshold + " but must be between 1 and 100");
            }
        }
        if (rollout.hasMinSoak()) {
            if (!Durations.isValid(rollout.getMinSoak())) {
                problems.add("rollout.minSoak", "is not a valid duration");
            } else if (Durations.isNegative(rollout.getMinSoak())) {
                problems.add("rollout.minSoak", "is " + Durations.toString(rollout.getMinSoak()) + " but must not be negative");
            }
        }
    }

    private void overrides(List<SiteOverride.Builder> overrides, List<String> targeted, Problems problems) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < overrides.size(); i++) {
            SiteOverride.Builder override = overrides.get(i);
            String at = "overrides[" + i + "]";
            String region = override.getRegion();
            String site = override.getSite();
            boolean knownRegion = regions.contains(region);
            if (region.isEmpty()) {
                problems.add(at + ".region", "required: the region of the site");
            } else if (!knownRegion) {
                problems.add(at + ".region", "unknown region " + quote(region) + "; the fleet has regions " + regions);
            } else if (!targeted.contains(region)) {
                problems.add(at + ".region", "region " + quote(region) + " is not targeted: target.regions is " + targeted);
            }
            if (site.isEmpty()) {
                problems.add(at + ".site", "required: the site's id");
            } else if (knownRegion && !sites.regionOf(site).equals(Optional.of(region))) {
                String home = sites.regionOf(site).orElse(null);
                problems.add(at + ".site", "site " + quote(site) + " is not in region " + quote(region)
                        + (home == null ? "; the fleet has no such site" : "; it is in region " + quote(home)));
            }
            Integer first = seen.putIfAbsent(region + '/' + site, i);
            if (first != null) {
                problems.add(at, "duplicate override for site " + region + "/" + site + " (same as overrides[" + first + "])");
            }
            new TreeMap<>(override.getValuesMap()).keySet().stream()
                    .filter(key -> !VALUE_KEY.matcher(key).matches())
                    .forEach(key -> problems.add(at + ".values", "key " + quote(key)
                            + " must be non-empty and consist of letters, digits, '_', '.' or '-'"));
            resources(at + ".resources", override.getResourcesBuilderList(), problems);
            int size = override.build().getSerializedSize();
            if (size > MAX_BUNDLE_BYTES) {
                problems.add(at, "serialized size is " + size + " bytes, over the limit of " + MAX_BUNDLE_BYTES
                        + " bytes (1 MiB)");
            }
        }
    }

    /** {@code Deployment default/web}, {@code ConfigMap settings} (no namespace), {@code File conf/app.yaml}. */
    private static String describe(Resource.Builder resource) {
        String kind = resource.getKind().isEmpty() ? "(no kind)" : resource.getKind();
        boolean namespaced = resource.hasNamespace() && !resource.getNamespace().isEmpty()
                && !FILE_KIND.equals(resource.getKind());
        return kind + " " + (namespaced ? resource.getNamespace() + "/" : "") + resource.getName();
    }

    private static String sha256(ByteString content) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(content.asReadOnlyByteBuffer());
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** {@code s} in double quotes for a message, control characters escaped, cut at 100 characters. */
    static String quote(String s) {
        String shown = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        StringBuilder out = new StringBuilder("\"");
        shown.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                out.append('\\').append((char) c);
            } else if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04x", c));
            } else {
                out.append((char) c);
            }
        });
        return out.append('"').toString();
    }

    /** The problems found so far, each "field: what is wrong". */
    private static final class Problems {

        private static final int SHOWN = 10;

        private final List<String> found = new ArrayList<>();

        void add(String field, String problem) {
            found.add(field + ": " + problem);
        }

        void addRaw(String problem) {
            found.add(problem);
        }

        boolean isEmpty() {
            return found.isEmpty();
        }

        /** Throws when anything was found: the first {@value #SHOWN} problems (a status travels in a header). */
        void throwIfAny() throws IntentException {
            if (found.size() == 1) {
                throw new IntentException(IntentException.Reason.INVALID, found.getFirst());
            }
            if (!found.isEmpty()) {
                String shown = String.join("; ", found.subList(0, Math.min(SHOWN, found.size())));
                String more = found.size() > SHOWN ? "; and " + (found.size() - SHOWN) + " more" : "";
                throw new IntentException(IntentException.Reason.INVALID,
                        "the intent has " + found.size() + " problems: " + shown + more);
            }
        }
    }
}
