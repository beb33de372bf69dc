package io.cascade.topology.targeting;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One {@code matchExpressions} entry: a key, an operator and, for In and NotIn, at least one value.
 * Values are kept sorted so that equal requirements render equally.
 *
 * @param key a valid label key (see {@link Labels})
 * @param op the operator; in JSON and YAML the field is called {@code operator}, as in Kubernetes
 * @param values for In and NotIn one or more valid label values (the empty value included); for Exists and
 *     DoesNotExist none; {@code null} reads as none
 */
public record Requirement(String key, @JsonProperty("operator") Operator op, Set<String> values) {

    public Requirement {
        String keyProblem = Labels.keyProblem(key).orElse(null);
        if (keyProblem != null) {
            throw new InvalidSelectorException("label key " + Labels.quote(key) + " is invalid: " + keyProblem);
        }
        if (op == null) {
            throw new InvalidSelectorException("requirement on " + Labels.quote(key)
                    + " needs an operator: In, NotIn, Exists or DoesNotExist");
        }
        TreeSet<String> sorted = new TreeSet<>();
        if (values != null) {
            for (String value : values) {
                String valueProblem = Labels.valueProblem(value).orElse(null);
                if (valueProblem != null) {
                    throw new InvalidSelectorException("requirement on " + Labels.quote(key) + ": label value "
                            + Labels.quote(value) + " is invalid: " + valueProblem);
                }
                sorted.add(value);
            }
        }
        if (op.takesValues() && sorted.isEmpty()) {
            throw new InvalidSelectorException("requirement " + Labels.quote(key) + " " + op.kubernetesName()
                    + " needs at least one value");
        }
        if (!op.takesValues() && !sorted.isEmpty()) {
            throw new InvalidSelectorException("requirement " + Labels.quote(key) + " " + op.kubernetesName()
                    + " takes no values, found " + sorted);
        }
        values = Collections.unmodifiableSortedSet(sorted);
    }

    public static Requirement in(String key, String... values) {
        return new Requirement(key, Operator.IN, Set.copyOf(List.of(values)));
    }

    public static Requirement notIn(String key, String... values) {
        return new Requirement(key, Operator.NOT_IN, Set.copyOf(List.of(values)));
    }

    public static Requirement exists(String key) {
        return new Requirement(key, Operator.EXISTS, Set.of());
    }

    public static Requirement doesNotExist(String key) {
        return new Requirement(key, Operator.DOES_NOT_EXIST, Set.of());
    }

    /** Kubernetes semantics: NotIn and DoesNotExist hold for a site that lacks the key. */
    public boolean matches(Map<String, String> labels) {
        String value = labels.get(key);
        boolean present = value != null;
        return switch (op) {
            case IN -> present && values.contains(value);
            case NOT_IN -> !present || !values.contains(value);
            case EXISTS -> present;
            case DOES_NOT_EXIST -> !present;
        };
    }

    /** The kubectl form: {@code env in (prod,stage)}, {@code env notin (dev)}, {@code gpu}, {@code !legacy}. */
    @Override
    public String toString() {
        return switch (op) {
            case IN -> key + " in (" + String.join(",", values) + ")";
            case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
            case EXISTS -> key;
            case DOES_NOT_EXIST -> "!" + key;
        };
    }
}
