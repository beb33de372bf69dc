package io.cascade.topology.targeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The kubectl string syntax: what it parses to, how it fails, and the canonical rendering. */
class LabelSelectorParseTest {

    @ParameterizedTest(name = "[{0}] -> [{1}]")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''                                      | ''",
        "tier=store                              | tier=store",
        "tier==store                             | tier=store",
        "'  tier  =  store  '                    | tier=store",
        "tier!=store                             | tier notin (store)",
        "env in (prod, stage)                    | env in (prod,stage)",
        "env in(stage,prod)                      | env in (prod,stage)",
        "env notin (dev)                         | env notin (dev)",
        "env notin (dev,dev)                     | env notin (dev)",
        "gpu                                     | gpu",
        "!legacy                                 | !legacy",
        "'! legacy'                              | !legacy",
        "'gpu , !legacy,tier=store'              | tier=store,gpu,!legacy",
        "tier=                                   | tier=",
        "tier!=                                  | tier notin ()",
        "env in ()                               | env in ()",
        "env in (a,)                             | env in (,a)",
        "env in (,a)                             | env in (,a)",
        "env in (a,,b)                           | env in (,a,b)",
        "topology.kubernetes.io/zone in (eu-1a)  | topology.kubernetes.io/zone in (eu-1a)",
        "b=2,a=1,!z,y,x in (1)                   | a=1,b=2,x in (1),y,!z",
        "tier=store,tier=hub                     | tier=store,tier in (hub)",
        "in in (in,notin)                        | in in (in,notin)",
        "'\ttier=store\n'                         | tier=store",
    })
    void parsesToTheCanonicalForm(String selector, String canonical) {
        LabelSelector parsed = LabelSelector.parse(selector);
        assertThat(parsed.toString()).isEqualTo(canonical);
        assertThat(LabelSelector.parse(parsed.toString())).isEqualTo(parsed);
    }

    @Test
    void parsesIntoMatchLabelsAndMatchExpressions() {
        LabelSelector selector = LabelSelector.parse("tier=store, env in (prod, stage), channel!=beta, gpu, !legacy");

        assertThat(selector.matchLabels()).isEqualTo(Map.of("tier", "store"));
        assertThat(selector.matchExpressions()).containsExactly(
                new Requirement("channel", Operator.NOT_IN, Set.of("beta")),
                new Requirement("env", Operator.IN, Set.of("prod", "stage")),
                new Requirement("gpu", Operator.EXISTS, Set.of()),
                new Requirement("legacy", Operator.DOES_NOT_EXIST, Set.of()));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {
        "a=1",
        "a=1,b in (x,y,z),c notin (q),d,!e",
        "topology.kubernetes.io/zone=eu-1a,example.com/gpu,!example.com/legacy",
        "a=,b in (,x),c notin ()",
    })
    void roundTripsThroughTheCanonicalString(String selector) {
        LabelSelector parsed = LabelSelector.parse(selector);
        assertThat(LabelSelector.parse(parsed.toString())).isEqualTo(parsed);
    }

    @Test
    void builtSelectorsRoundTrip() {
        LabelSelector built = new LabelSelector(Map.of("tier", "store", "example.com/ring", ""), List.of(
                Requirement.in("env", "prod", ""), Requirement.notIn("env", "dev"), Requirement.exists("gpu"),
                Requirement.doesNotExist("legacy"), Requirement.in("tier", "hub")));
        assertThat(LabelSelector.parse(built.toString())).isEqualTo(built);
    }

    @ParameterizedTest(name = "[{0}] at {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "env in (prod           | 12 | expected ',' or ')' at position 12, found end of input",
        "env in prod            |  7 | expected '(' at position 7, found 'prod'",
        "env in (prod stage)    | 13 | expected ',' or ')' at position 13, found 'stage'",
        "env in (prod))         | 13 | expected ',' or end of input at position 13, found ')'",
        "env in (prod, =)       | 14 | expected a label value, ',' or ')' at position 14, found '='",
        "tier=store,            | 11 | expected a label key at position 11, found end of input",
        ",tier=store            |  0 | expected a label key at position 0, found ','",
        "tier=store,,gpu        | 11 | expected a label key at position 11, found ','",
        "tier store             |  5 | expected '=', '==', '!=', 'in', 'notin', ',' or end of input at position 5, found 'store'",
        "env IN (prod)          |  4 | expected '=', '==', '!=', 'in', 'notin', ',' or end of input at position 4, found 'IN'",
        "tier=store=x           | 10 | expected ',' or end of input at position 10, found '='",
        "tier===store           |  6 | expected a label value, ',' or end of input at position 6, found '='",
        "tier=(store)           |  5 | expected a label value, ',' or end of input at position 5, found '('",
        "!                      |  1 | expected a label key at position 1, found end of input",
        "!!gpu                  |  1 | expected a label key at position 1, found '!'",
        "!legacy=1              |  7 | expected ',' or end of input at position 7, found '='",
        "gpu!                   |  3 | expected '=', '==', '!=', 'in', 'notin', ',' or end of input at position 3, found '!'",
        "(tier)                 |  0 | expected a label key at position 0, found '('",
        "replicas>2             |  8 | operator '>' at position 8 is not supported; use =, ==, !=, in, notin, a bare key or !key",
        "Tier!!=x               |  4 | expected '=', '==', '!=', 'in', 'notin', ',' or end of input at position 4, found '!'",
        "ti@r=store             |  0 | label key \"ti@r\" at position 0 is invalid: name part must consist of alphanumeric characters",
        "gpu,Example.com/x      |  4 | label key \"Example.com/x\" at position 4 is invalid: prefix part must be a lowercase RFC 1123 subdomain",
        "tier=-store            |  5 | label value \"-store\" at position 5 is invalid: must be empty or consist of",
        "env in (prod, st@ge)   | 14 | label value \"st@ge\" at position 14 is invalid: must be empty or consist of",
    })
    void rejectsBadSyntaxNamingWhatWasExpectedAndWhere(String selector, int position, String message) {
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOf(InvalidSelectorException.class)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("selector \"" + selector + "\": " + message)
                .satisfies(e -> assertThat(((InvalidSelectorException) e).position()).hasValue(position));
    }

    @Test
    void theErrorReadsAsOneSentence() {
        assertThatThrownBy(() -> LabelSelector.parse("env in (prod"))
                .hasMessage("selector \"env in (prod\": expected ',' or ')' at position 12, found end of input");
    }

    @Test
    void keysTooLongAreRejectedWithTheirPosition() {
        String selector = "tier=store," + "k".repeat(64);
        assertThatThrownBy(() -> LabelSelector.parse(selector))
                .isInstanceOf(InvalidSelectorException.class)
                .hasMessageEndingWith(" at position 11 is invalid: name part must be no more than 63 characters (it has 64)");
    }
}
