package io.cascade.edge;

import io.cascade.topology.targeting.Labels;
import io.cascade.topology.trust.UserCredentials;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One edge site's configuration, read once and validated.
 *
 * @param site     site id (DNS label)
 * @param region   the site's region (DNS label)
 * @param labels   the site's labels; {@code region} is added when missing
 * @param relayUrl the region relay's nats-server, or every server of the region, comma-separated (the site fails over)
 * @param maintenance a daily window during which the site defers new revisions, if it has one
 * @param credentials the site's own user on its relay's nats-server; empty: anonymous (a server without operator mode)
 */
public record EdgeConfig(String site, String region, Map<String, String> labels, String relayUrl,
                         Optional<io.cascade.edge.reconcile.MaintenanceWindow> maintenance,
                         Optional<UserCredentials> credentials) {

    /** A site without a maintenance window, connecting as {@code credentials}. */
    public EdgeConfig(String site, String region, Map<String, String> labels, String relayUrl, UserCredentials credentials) {
        this(site, region, labels, relayUrl, Optional.empty(), Optional.of(credentials));
    }

    public EdgeConfig {
        Objects.requireNonNull(credentials, "credentials");
        credentials.ifPresent(c -> {
            if (!c.name().equals("site-" + site)) {
                throw new IllegalArgumentException("the credentials are user " + c.name() + "'s, not site " + site
                        + "'s: a site connects only with its own (cascade trust site " + site + ")");
            }
        });
        Objects.requireNonNull(maintenance, "maintenance");
        requireName("--site", site);
        requireName("--region", region);
        Objects.requireNonNull(relayUrl, "relayUrl");
        for (String url : relayUrl.split(",")) {
            if (!url.startsWith("nats://") && !url.startsWith("tls://")) {
                throw new IllegalArgumentException("--relay must be tls://host:port (or nats://host:port) URLs: the region's relay "
                        + "server, or each of its servers comma-separated, got " + relayUrl);
            }
        }
        Map<String, String> all = new LinkedHashMap<>(labels);
        String declared = all.putIfAbsent("region", region);
        if (declared != null && !declared.equals(region)) {
            throw new IllegalArgumentException("--labels region=" + declared + " contradicts --region " + region);
        }
        all.forEach((k, v) -> {
            Labels.keyError(k).ifPresent(m -> { throw new IllegalArgumentException("--labels: " + m); });
            Labels.valueError(v).ifPresent(m -> { throw new IllegalArgumentException("--labels " + k + ": " + m); });
        });
        labels = Map.copyOf(all);
    }

    private static void requireName(String option, String value) {
        if (!io.cascade.topology.DnsLabel.isValid(value)) {
            throw new IllegalArgumentException(option + " must be a DNS label (lower-case letters, digits, '-'), got " + value);
        }
    }

    /** Parses {@code k=v,k2=v2} (the --labels form). */
    public static Map<String, String> parseLabels(String text) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (text == null || text.isBlank()) {
            return labels;
        }
        for (String pair : text.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--labels: expected key=value, got \"" + pair.trim() + "\"");
            }
            labels.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return labels;
    }
}
