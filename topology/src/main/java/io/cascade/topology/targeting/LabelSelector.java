package io.cascade.topology.targeting;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A Kubernetes label selector: every {@code matchLabels} entry and every {@code matchExpressions}
 * requirement must hold (AND). The empty selector matches every site.
 *
 * <p>The record is canonical: {@code matchLabels} is sorted by key and {@code matchExpressions} by key,
 * operator and values, so two selectors that say the same thing in a different order are equal and
 * render to the same string. {@code null} for either component reads as empty.
 *
 * @param matchLabels label key → required value
 * @param matchExpressions further requirements
 */
public record LabelSelector(Map<String, String> matchLabels, List<Requirement> matchExpressions) {

    /** The empty selector: matches every site. */
    public static final LabelSelector EVERYTHING = new LabelSelector(Map.of(), List.of());

    private static final Comparator<Requirement> CANONICAL = Comparator.comparing(Requirement::key)
            .thenComparing(Requirement::op)
            .thenComparing(requirement -> String.join(",", requirement.values()));

    public LabelSelector {
        TreeMap<String, String> labels = new TreeMap<>();
        if (matchLabels != null) {
            for (Map.Entry<String, String> entry : matchLabels.entrySet()) {
                String key = entry.getKey();
                String keyProblem = Labels.keyProblem(key).orElse(null);
                if (keyProblem != null) {
                    throw new InvalidSelectorException(
                            "matchLabels: label key " + Labels.quote(key) + " is invalid: " + keyProblem);
                }
                String valueProblem = Labels.valueProblem(entry.getValue()).orElse(null);
                if (valueProblem != null) {
                    throw new InvalidSelectorException("matchLabels[" + Labels.quote(key) + "]: label value "
                            + Labels.quote(entry.getValue()) + " is invalid: " + valueProblem);
                }
                labels.put(key, entry.getValue());
            }
        }
        List<Requirement> expressions = new ArrayList<>();
        if (matchExpressions != null) {
            for (int i = 0; i < matchExpressions.size(); i++) {
                Requirement requirement = matchExpressions.get(i);
                if (requirement == null) {
                    throw new InvalidSelectorException("matchExpressions[" + i + "] is missing");
                }
                expressions.add(requirement);
            }
        }
        expressions.sort(CANONICAL);
        matchLabels = Collections.unmodifiableSortedMap(labels);
        matchExpressions = List.copyOf(expressions);
    }

    /**
     * Parses the kubectl string syntax: comma-separated requirements, all of which must hold.
     *
     * <pre>
     *   tier=store   tier==store      matchLabels entry (an empty value is written {@code tier=})
     *   tier!=store                   NotIn (store): true when tier is absent or not "store"
     *   env in (prod, stage)          In
     *   env notin (dev)               NotIn
     *   gpu                           Exists
     *   !legacy                       DoesNotExist
     * </pre>
     *
     * An empty or blank string is the empty selector. Whitespace between tokens is ignored.
     *
     * @throws InvalidSelectorException naming what was expected at which position, e.g.
     *     {@code selector "env in (prod": expected ',' or ')' at position 12, found end of input}
     */
    public static LabelSelector parse(String selector) {
        return new SelectorParser(Objects.requireNonNull(selector, "selector")).parse();
    }

    /** Whether a site with these labels is selected. */
    public boolean matches(Map<String, String> labels) {
        Objects.requireNonNull(labels, "labels");
        for (Map.Entry<String, String> entry : matchLabels.entrySet()) {
            if (!entry.getValue().equals(labels.get(entry.getKey()))) {
                return false;
            }
        }
        for (Requirement requirement : matchExpressions) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /**
     * The canonical kubectl form, {@code matchLabels} first: {@code app=web,env in (prod,stage),gpu,!legacy};
     * the empty selector renders as the empty string. {@code parse(s.toString())} equals {@code s}.
     */
    @Override
    public String toString() {
        StringJoiner out = new StringJoiner(",");
        matchLabels.forEach((key, value) -> out.add(key + "=" + value));
        matchExpressions.forEach(requirement -> out.add(requirement.toString()));
        return out.toString();
    }
}
