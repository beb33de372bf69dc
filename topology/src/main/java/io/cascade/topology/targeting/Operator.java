package io.cascade.topology.targeting;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The operators of a Kubernetes {@code matchExpressions} entry. In a fleet file or intent they are
 * written as Kubernetes writes them: {@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}.
 */
public enum Operator {
    /** The key is present and its value is one of the values. */
    IN("In"),
    /** The key is absent, or its value is none of the values. */
    NOT_IN("NotIn"),
    /** The key is present, whatever its value. */
    EXISTS("Exists"),
    /** The key is absent. */
    DOES_NOT_EXIST("DoesNotExist");

    private final String kubernetesName;

    Operator(String kubernetesName) {
        this.kubernetesName = kubernetesName;
    }

    /** The name Kubernetes uses: {@code In}, {@code NotIn}, {@code Exists}, {@code DoesNotExist}. */
    @JsonValue
    public String kubernetesName() {
        return kubernetesName;
    }

    /** The operator Kubernetes calls {@code name} (exact case). */
    @JsonCreator
    public static Operator fromKubernetesName(String name) {
        for (Operator op : values()) {
            if (op.kubernetesName.equals(name)) {
                return op;
            }
        }
        throw new InvalidSelectorException("unknown operator " + Labels.quote(name) + ": expected one of "
                + Arrays.stream(values()).map(Operator::kubernetesName).collect(Collectors.joining(", ")));
    }

    /** In and NotIn need at least one value; Exists and DoesNotExist take none. */
    boolean takesValues() {
        return this == IN || this == NOT_IN;
    }
}
