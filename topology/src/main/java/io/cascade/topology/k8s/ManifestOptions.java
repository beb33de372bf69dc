package io.cascade.topology.k8s;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What the Kubernetes manifests of a fleet's hub and relays are built with. A {@code null} option
 * takes its default; any other bad value is refused with one message naming every bad option.
 *
 * @param namespace           namespace of every object, a DNS label (default {@value #DEFAULT_NAMESPACE});
 *                            it is part of the hub's Service DNS name relays dial
 * @param cascadeImage        image of the hub and relay services (default {@value #DEFAULT_CASCADE_IMAGE})
 * @param natsImage           image of the nats-server beside each service (default {@value #DEFAULT_NATS_IMAGE})
 * @param jetStreamVolumeSize size of each nats-server's JetStream volume, a Kubernetes quantity
 *                            (default {@value #DEFAULT_JETSTREAM_VOLUME_SIZE})
 * @param fleetText           the fleet file, shipped verbatim in a ConfigMap for the services to read
 */
public record ManifestOptions(String namespace, String cascadeImage, String natsImage,
                              String jetStreamVolumeSize, String fleetText) {

    public static final String DEFAULT_NAMESPACE = "cascade";
    public static final String DEFAULT_CASCADE_IMAGE = "ghcr.io/cascade/cascade:0.1.0";
    public static final String DEFAULT_NATS_IMAGE = "nats:2.9.10-alpine";
    public static final String DEFAULT_JETSTREAM_VOLUME_SIZE = "10Gi";

    /** A ConfigMap holds at most 1 MiB in all. */
    static final int MAX_FLEET_TEXT_BYTES = 1024 * 1024;

    private static final int MAX_DNS_LABEL = 63;
    /** A storage size: a plain or decimal number with an optional binary or decimal suffix. */
    private static final Pattern STORAGE_SIZE = Pattern.compile("[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");

    public ManifestOptions {
        namespace = namespace == null ? DEFAULT_NAMESPACE : namespace;
        cascadeImage = cascadeImage == null ? DEFAULT_CASCADE_IMAGE : cascadeImage;
        natsImage = natsImage == null ? DEFAULT_NATS_IMAGE : natsImage;
        jetStreamVolumeSize = jetStreamVolumeSize == null ? DEFAULT_JETSTREAM_VOLUME_SIZE : jetStreamVolumeSize;

        List<String> problems = new ArrayList<>();
        if (!io.cascade.topology.DnsLabel.isValid(namespace)) {
            problems.add("namespace: \"" + namespace + "\" is not a DNS label: use 1-" + MAX_DNS_LABEL
                    + " lower-case letters, digits and '-', starting and ending with a letter or digit");
        }
        imageProblem("cascadeImage", cascadeImage, DEFAULT_CASCADE_IMAGE).ifPresent(problems::add);
        imageProblem("natsImage", natsImage, DEFAULT_NATS_IMAGE).ifPresent(problems::add);
        if (!STORAGE_SIZE.matcher(jetStreamVolumeSize).matches()
                || new BigDecimal(jetStreamVolumeSize.replaceAll("[A-Za-z]+$", "")).signum() == 0) {
            problems.add("jetStreamVolumeSize: \"" + jetStreamVolumeSize
                    + "\" is not a storage size above zero such as 10Gi, 512Mi or 1Ti");
        }
        if (fleetText == null || fleetText.isBlank()) {
            problems.add("fleetText: is required: the fleet file the services read from /etc/cascade/fleet.yaml");
        } else {
            int bytes = fleetText.getBytes(StandardCharsets.UTF_8).length;
            if (bytes > MAX_FLEET_TEXT_BYTES) {
                problems.add("fleetText: " + bytes + " bytes do not fit in a ConfigMap (at most "
                        + MAX_FLEET_TEXT_BYTES + ")");
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid manifest options: " + String.join("; ", problems));
        }
    }

    /** Every option at its default, shipping {@code fleetText}. */
    public static ManifestOptions defaults(String fleetText) {
        return new ManifestOptions(null, null, null, null, fleetText);
    }

    public ManifestOptions withNamespace(String namespace) {
        return new ManifestOptions(namespace, cascadeImage, natsImage, jetStreamVolumeSize, fleetText);
    }

    public ManifestOptions withCascadeImage(String image) {
        return new ManifestOptions(namespace, image, natsImage, jetStreamVolumeSize, fleetText);
    }

    public ManifestOptions withNatsImage(String image) {
        return new ManifestOptions(namespace, cascadeImage, image, jetStreamVolumeSize, fleetText);
    }

    public ManifestOptions withJetStreamVolumeSize(String size) {
        return new ManifestOptions(namespace, cascadeImage, natsImage, size, fleetText);
    }

    private static Optional<String> imageProblem(String option, String image, String example) {
        if (image.isBlank()) {
            return Optional.of(option + ": must not be empty; give an image reference such as " + example);
        }
        if (image.chars().anyMatch(Character::isWhitespace)) {
            return Optional.of(option + ": \"" + image + "\" is not an image reference: it contains whitespace");
        }
        return Optional.empty();
    }
}
