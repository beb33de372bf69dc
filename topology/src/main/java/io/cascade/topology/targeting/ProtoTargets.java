package io.cascade.topology.targeting;

import io.cascade.proto.LabelRequirement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** The wire form of a target ({@code cascade.v1.Target}) read into the topology's validated records. */
public final class ProtoTargets {

    private ProtoTargets() {}

    /** The operator, or empty for {@code OPERATOR_UNSPECIFIED} and values this build does not know. */
    public static Optional<Operator> operator(LabelRequirement.Operator op) {
        return switch (op) {
            case IN -> Optional.of(Operator.IN);
            case NOT_IN -> Optional.of(Operator.NOT_IN);
            case EXISTS -> Optional.of(Operator.EXISTS);
            case DOES_NOT_EXIST -> Optional.of(Operator.DOES_NOT_EXIST);
            case OPERATOR_UNSPECIFIED, UNRECOGNIZED -> Optional.empty();
        };
    }

    /**
     * The topology form of a target.
     *
     * @throws InvalidSelectorException when a label key, value or operator is invalid
     */
    public static Target target(io.cascade.proto.Target proto) {
        io.cascade.proto.LabelSelector selector = proto.getSelector();
        List<Requirement> requirements = new ArrayList<>();
        for (LabelRequirement r : selector.getMatchExpressionsList()) {
            Operator op = operator(r.getOperator()).orElseThrow(() -> new InvalidSelectorException("requirement on \""
                    + r.getKey() + "\" needs an operator: In, NotIn, Exists or DoesNotExist"));
            requirements.add(new Requirement(r.getKey(), op, Set.copyOf(r.getValuesList())));
        }
        return new Target(new LabelSelector(selector.getMatchLabelsMap(), requirements), Set.copyOf(proto.getRegionsList()));
    }
}
