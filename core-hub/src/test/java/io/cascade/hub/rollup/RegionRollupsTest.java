package io.cascade.hub.rollup;

import static io.cascade.hub.rollup.SampleRollups.region;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.hub.rollup.RegionRollups.Verdict;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Which of a region's rollups the hub holds: the staleness rule. */
class RegionRollupsTest {

    private static final Instant T0 = Instant.parse("2025-01-01T10:00:00Z");

    private final RegionRollups rollups = new RegionRollups();

    @Test
    void aHigherSequenceReplacesTheHeldRollup() {
        assertThat(rollups.offer(region("eu", 7, 100), T0)).isEqualTo(Verdict.NEWER);
        assertThat(rollups.offer(region("eu", 8, 101), T0.plusSeconds(1))).isEqualTo(Verdict.NEWER);

        assertThat(rollups.get("eu").rollup().getSequence()).isEqualTo(8);
        assertThat(rollups.get("eu").receivedAt()).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void aLowerOrEqualSequenceBuiltNoLaterIsStaleAndIgnored() {
        rollups.offer(region("eu", 8, 101), T0);

        assertThat(rollups.offer(region("eu", 7, 100), T0.plusSeconds(5))).as("replayed older").isEqualTo(Verdict.STALE);
        assertThat(rollups.offer(region("eu", 8, 101), T0.plusSeconds(6))).as("duplicate").isEqualTo(Verdict.STALE);

        assertThat(rollups.get("eu").rollup().getSequence()).isEqualTo(8);
        assertThat(rollups.get("eu").receivedAt()).isEqualTo(T0);
    }

    @Test
    void aLowerSequenceBuiltLaterIsARelayRestartAndTaken() {
        rollups.offer(region("eu", 120, 1_000), T0);

        assertThat(rollups.offer(region("eu", 1, 1_030), T0.plusSeconds(30))).isEqualTo(Verdict.RESTARTED);
        assertThat(rollups.offer(region("eu", 2, 1_031), T0.plusSeconds(31))).as("counting on from the restart")
                .isEqualTo(Verdict.NEWER);

        assertThat(rollups.get("eu").rollup().getSequence()).isEqualTo(2);
    }

    @Test
    void sequencesCompareAsUnsigned() {
        rollups.offer(region("eu", 1, 100), T0);

        assertThat(rollups.offer(region("eu", Long.MIN_VALUE, 50), T0)).as("2^63 is above 1").isEqualTo(Verdict.NEWER);
        assertThat(rollups.offer(region("eu", 5, 50), T0)).isEqualTo(Verdict.STALE);
    }

    @Test
    void regionsAreHeldApartAndADeletedRegionIsForgotten() {
        rollups.offer(region("us", 3, 100), T0);
        rollups.offer(region("eu", 9, 100), T0);
        rollups.offer(region("eu", 2, 90), T0);

        assertThat(rollups.all()).extracting(h -> h.rollup().getRegion() + "#" + h.rollup().getSequence())
                .containsExactly("eu#9", "us#3");
        assertThat(rollups.remove("eu")).isTrue();
        assertThat(rollups.remove("eu")).isFalse();
        assertThat(rollups.all()).extracting(h -> h.rollup().getRegion()).containsExactly("us");
        assertThat(rollups.offer(region("eu", 1, 10), T0)).as("a region seen anew starts over").isEqualTo(Verdict.NEWER);
    }
}
