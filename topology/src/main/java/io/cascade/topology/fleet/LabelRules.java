package io.cascade.topology.fleet;

import java.util.Optional;

/** TEMPORARY until targeting.Labels lands (same session): Kubernetes label rules. */
final class LabelRules {
    private LabelRules() {}

    static Optional<String> keyError(String key) {
        return key.matches("([a-z0-9.-]{1,253}/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
                ? Optional.empty() : Optional.of("label key \"" + key + "\" is invalid");
    }

    static Optional<String> valueError(String value) {
        return value.isEmpty() || value.matches("[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?")
                ? Optional.empty() : Optional.of("label value \"" + value + "\" is invalid");
    }
}
