package io.cascade.topology.targeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Evaluation (Kubernetes semantics) and construction of selectors. */
class LabelSelectorTest {

    /** {@code "tier=store;env=prod"} → map; an entry without '=' is a key with the empty value. */
    static Map<String, String> labels(String spec) {
        if (spec == null || spec.isBlank()) {
            return Map.of();
        }
        return Arrays.stream(spec.split(";"))
                .map(entry -> entry.split("=", 2))
                .collect(Collectors.toMap(kv -> kv[0], kv -> kv.length > 1 ? kv[1] : ""));
    }

    @ParameterizedTest(name = "[{0}] on {1} -> {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        // empty selector: everything, even a site without labels
        "''                               | ''                                  | true",
        "''                               | tier=store                          | true",
        "'   '                            | tier=store                          | true",
        // equality (matchLabels)
        "tier=store                       | tier=store;env=prod                 | true",
        "tier==store                      | tier=store                          | true",
        "tier=store                       | tier=hub                            | false",
        "tier=store                       | env=prod                            | false",
        "tier=store                       | ''                                  | false",
        "tier=Store                       | tier=store                          | false",
        "tier=store,env=prod              | tier=store;env=prod                 | true",
        "tier=store,env=prod              | tier=store;env=dev                  | false",
        // the empty value is a value: it needs the key to be present
        "tier=                            | tier                                | true",
        "tier=                            | ''                                  | false",
        "tier=                            | tier=store                          | false",
        // != is NotIn: true when the key is absent
        "tier!=store                      | tier=hub                            | true",
        "tier!=store                      | tier=store                          | false",
        "tier!=store                      | env=prod                            | true",
        "tier!=store                      | ''                                  | true",
        // In
        "env in (prod, stage)             | env=prod                            | true",
        "env in (prod, stage)             | env=stage;tier=store                | true",
        "env in (prod, stage)             | env=dev                             | false",
        "env in (prod, stage)             | tier=store                          | false",
        "env in (prod)                    | env                                 | false",
        // NotIn
        "env notin (dev)                  | env=prod                            | true",
        "env notin (dev)                  | env=dev                             | false",
        "env notin (dev, test)            | env=test                            | false",
        "env notin (dev)                  | tier=store                          | true",
        "env notin (dev)                  | ''                                  | true",
        // Exists / DoesNotExist
        "gpu                              | gpu=true                            | true",
        "gpu                              | gpu                                 | true",
        "gpu                              | tier=store                          | false",
        "!legacy                          | tier=store                          | true",
        "!legacy                          | legacy=false                        | false",
        "!legacy                          | legacy                              | false",
        // prefixed keys
        "topology.kubernetes.io/zone=eu-1a | topology.kubernetes.io/zone=eu-1a  | true",
        "topology.kubernetes.io/zone=eu-1a | zone=eu-1a                         | false",
        "topology.kubernetes.io/zone in (eu-1a,eu-1b) | topology.kubernetes.io/zone=eu-1b | true",
        "!example.com/legacy              | example.com/legacy=yes              | false",
        "example.com/gpu                  | example.com/gpu=a100                | true",
        // everything together is AND
        "tier=store,env in (prod),gpu,!legacy,region!=us | tier=store;env=prod;gpu=1               | true",
        "tier=store,env in (prod),gpu,!legacy,region!=us | tier=store;env=prod;gpu=1;legacy=1      | false",
        "tier=store,env in (prod),gpu,!legacy,region!=us | tier=store;env=prod;gpu=1;region=us     | false",
        "tier=store,env in (prod),gpu,!legacy,region!=us | tier=store;env=prod;region=eu           | false",
        // the same key twice with different values matches nothing, as in Kubernetes
        "tier=store,tier=hub              | tier=store                          | false",
        "tier=store,tier=hub              | tier=hub                            | false",
        "tier=store,tier=store            | tier=store                          | true",
        // keywords and operators are not special where a key or value is expected
        "in=notin                         | in=notin                            | true",
    })
    void matchesLikeKubernetes(String selector, String siteLabels, boolean expected) {
        assertThat(LabelSelector.parse(selector).matches(labels(siteLabels))).isEqualTo(expected);
    }

    @Test
    void builtSelectorsMatchLikeParsedOnes() {
        LabelSelector built = new LabelSelector(Map.of("tier", "store"), List.of(
                Requirement.in("env", "prod", "stage"),
                Requirement.notIn("channel", "beta"),
                Requirement.exists("gpu"),
                Requirement.doesNotExist("legacy")));
        LabelSelector parsed = LabelSelector.parse("tier=store, env in (stage,prod), channel!=beta, gpu, !legacy");

        assertThat(parsed).isEqualTo(built);
        assertThat(built.matches(labels("tier=store;env=stage;gpu=1"))).isTrue();
        assertThat(built.matches(labels("tier=store;env=stage;gpu=1;channel=beta"))).isFalse();
    }

    @Test
    void theEmptySelectorIsEverything() {
        assertThat(new LabelSelector(null, null)).isEqualTo(LabelSelector.EVERYTHING);
        assertThat(LabelSelector.parse("")).isEqualTo(LabelSelector.EVERYTHING);
        assertThat(LabelSelector.EVERYTHING.matches(Map.of())).isTrue();
        assertThat(LabelSelector.EVERYTHING.toString()).isEmpty();
    }

    @Test
    void aSiteLabelMappedToNullCountsAsAbsent() {
        Map<String, String> site = new HashMap<>();
        site.put("legacy", null);
        assertThat(LabelSelector.parse("!legacy").matches(site)).isTrue();
        assertThat(LabelSelector.parse("legacy").matches(site)).isFalse();
    }

    @Test
    void theOrderOfRequirementsDoesNotMatter() {
        LabelSelector a = new LabelSelector(Map.of("b", "2", "a", "1"),
                List.of(Requirement.exists("z"), Requirement.in("m", "y", "x")));
        LabelSelector b = new LabelSelector(new LinkedHashMap<>(Map.of("a", "1", "b", "2")),
                List.of(Requirement.in("m", "x", "y"), Requirement.exists("z")));
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a.toString()).isEqualTo("a=1,b=2,m in (x,y),z");
    }

    @Test
    void isImmutable() {
        Map<String, String> labels = new HashMap<>(Map.of("tier", "store"));
        LabelSelector selector = new LabelSelector(labels, List.of(Requirement.in("env", "prod")));
        labels.put("env", "dev");

        assertThat(selector.matchLabels()).containsOnlyKeys("tier");
        assertThatThrownBy(() -> selector.matchLabels().put("x", "y"))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> selector.matchExpressions().clear())
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> selector.matchExpressions().get(0).values().add("dev"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "env    | IN             | ''          | requirement \"env\" In needs at least one value",
        "env    | NOT_IN         | ''          | requirement \"env\" NotIn needs at least one value",
        "gpu    | EXISTS         | 'true'      | requirement \"gpu\" Exists takes no values, found [true]",
        "legacy | DOES_NOT_EXIST | 'yes'       | requirement \"legacy\" DoesNotExist takes no values, found [yes]",
        "Env!   | EXISTS         | ''          | label key \"Env!\" is invalid: name part must consist of",
        "env    | IN             | 'a b'       | requirement on \"env\": label value \"a b\" is invalid: must be empty or",
    })
    void requirementsValidateThemselves(String key, Operator op, String values, String message) {
        Set<String> valueSet = values.isEmpty() ? Set.of() : Set.of(values.split(","));
        assertThatThrownBy(() -> new Requirement(key, op, valueSet))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessageStartingWith(message);
    }

    @Test
    void requirementsAcceptTheEmptyValueAndNullForNoValues() {
        assertThat(new Requirement("env", Operator.IN, Set.of("")).matches(Map.of("env", ""))).isTrue();
        assertThat(new Requirement("gpu", Operator.EXISTS, null).values()).isEmpty();
        assertThatThrownBy(() -> new Requirement("gpu", null, Set.of()))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessage("requirement on \"gpu\" needs an operator: In, NotIn, Exists or DoesNotExist");
    }

    @Test
    void selectorsValidateTheirMatchLabels() {
        assertThatThrownBy(() -> new LabelSelector(Map.of("Tier!", "store"), List.of()))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessageStartingWith("matchLabels: label key \"Tier!\" is invalid: name part must consist of");
        assertThatThrownBy(() -> new LabelSelector(Map.of("tier", "a".repeat(64)), List.of()))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessage("matchLabels[\"tier\"]: label value \"" + "a".repeat(64)
                        + "\" is invalid: must be no more than 63 characters (it has 64)");
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("tier", null);
        assertThatThrownBy(() -> new LabelSelector(nullValue, List.of()))
                .hasMessage("matchLabels[\"tier\"]: label value null is invalid: a label value is required (it may be empty)");
        assertThatThrownBy(() -> new LabelSelector(Map.of(), Arrays.asList(Requirement.exists("a"), null)))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessage("matchExpressions[1] is missing");
    }

    @Test
    void operatorsGoByTheirKubernetesNames() {
        assertThat(Operator.fromKubernetesName("NotIn")).isEqualTo(Operator.NOT_IN);
        assertThatThrownBy(() -> Operator.fromKubernetesName("notin"))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessage("unknown operator \"notin\": expected one of In, NotIn, Exists, DoesNotExist");
    }

    @Test
    void readsAndWritesTheKubernetesYamlShape() throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        String fleetFileSnippet = """
                matchLabels:
                  tier: store
                matchExpressions:
                  - key: topology.kubernetes.io/zone
                    operator: In
                    values: [eu-1a, eu-1b]
                  - key: legacy
                    operator: DoesNotExist
                """;

        LabelSelector selector = yaml.readValue(fleetFileSnippet, LabelSelector.class);

        assertThat(selector).isEqualTo(
                LabelSelector.parse("tier=store,topology.kubernetes.io/zone in (eu-1a,eu-1b),!legacy"));
        assertThat(yaml.readValue(yaml.writeValueAsString(selector), LabelSelector.class)).isEqualTo(selector);
        assertThat(yaml.writeValueAsString(selector)).contains("operator: \"In\"", "operator: \"DoesNotExist\"");
    }
}
