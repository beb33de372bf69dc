package io.cascade.topology.targeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TargetTest {

    @ParameterizedTest(name = "[{0}] regions [{1}]: site in {2} with {3} -> {4}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "tier=store  | ''     | eu | tier=store | true",
        "tier=store  | ''     | us | tier=store | true",
        "tier=store  | ''     | eu | tier=hub   | false",
        "tier=store  | eu     | eu | tier=store | true",
        "tier=store  | eu     | us | tier=store | false",
        "tier=store  | eu,us  | us | tier=store | true",
        "tier=store  | eu,us  | ap | tier=store | false",
        "tier=store  | eu,us  | us | tier=hub   | false",
        "''          | ''     | ap | ''         | true",
        "''          | ap     | ap | ''         | true",
        "''          | ap     | eu | ''         | false",
        "!legacy     | eu     | eu | legacy=1   | false",
    })
    void matchesRegionAndLabels(String selector, String regions, String region, String labels, boolean expected) {
        Set<String> regionSet = regions.isEmpty() ? Set.of() : Set.of(regions.split(","));
        Target target = new Target(LabelSelector.parse(selector), regionSet);

        assertThat(target.matches(region, LabelSelectorTest.labels(labels))).isEqualTo(expected);
    }

    @Test
    void missingPartsMeanEverything() {
        Target target = new Target(null, null);
        assertThat(target).isEqualTo(Target.EVERYWHERE);
        assertThat(target.selector()).isEqualTo(LabelSelector.EVERYTHING);
        assertThat(target.regions()).isEmpty();
        assertThat(target.includesRegion("eu")).isTrue();
    }

    @Test
    void regionsAreImmutableAndNonBlank() {
        Set<String> regions = new HashSet<>(Set.of("eu"));
        Target target = new Target(LabelSelector.EVERYTHING, regions);
        regions.add("us");
        assertThat(target.regions()).containsExactly("eu");
        assertThatThrownBy(() -> target.regions().add("ap")).isInstanceOf(UnsupportedOperationException.class);

        assertThatThrownBy(() -> new Target(LabelSelector.EVERYTHING, new HashSet<>(Arrays.asList("eu", " "))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("target regions: a region id must be non-empty, found \" \"");
    }
}
