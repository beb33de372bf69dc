package io.cascade.bench.catchup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.bench.catchup.CatchupSettings.Shape;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every combination of --deltas and --keys, the file names, and the inputs refused. */
class CatchupSettingsTest {

    static CatchupSettings settings(List<Integer> deltas, List<Integer> keys) {
        return new CatchupSettings(deltas, keys, 16, 256, Duration.ofSeconds(60), Duration.ofSeconds(1));
    }

    @Test
    void aMatrixRunsEveryCombinationDeltasOutermostIntoOneFile() {
        CatchupSettings s = settings(List.of(1000, 10000), List.of(10, 100));
        assertThat(s.shapes()).containsExactly(new Shape(1000, 10), new Shape(1000, 100), new Shape(10000, 10),
                new Shape(10000, 100));
        assertThat(s.fileStem()).isEqualTo("catchup");
    }

    @Test
    void oneCombinationIsNamedAfterItsShape() {
        CatchupSettings s = settings(List.of(200), List.of(10));
        assertThat(s.shapes()).containsExactly(new Shape(200, 10));
        assertThat(s.fileStem()).isEqualTo("catchup-200x10");
    }

    @Test
    void appNamesSortInOrder() {
        assertThat(CatchupSettings.app(0)).isEqualTo("app-000");
        assertThat(CatchupSettings.app(99)).isEqualTo("app-099");
        assertThat(CatchupSettings.app(998)).isEqualTo("app-998");
    }

    @Test
    void everyKeyNeedsADelta() {
        assertThatThrownBy(() -> settings(List.of(50, 1000), List.of(10, 100)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("every key needs at least one delta: --deltas 50 is fewer than --keys 100");
    }

    @Test
    void outOfRangeValuesAreRefusedWithTheOptionNamed() {
        assertThatThrownBy(() -> settings(List.of(0), List.of(1))).hasMessageContaining("--deltas must be between 1 and");
        assertThatThrownBy(() -> settings(List.of(5000), List.of(1000))).hasMessageContaining("--keys must be between 1 and 999");
        assertThatThrownBy(() -> new CatchupSettings(List.of(10), List.of(1), 0, 0, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("--publish-concurrency must be between 1 and 256, got 0");
        assertThatThrownBy(() -> new CatchupSettings(List.of(10), List.of(1), 1, -1, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageContaining("--pad-bytes");
        assertThatThrownBy(() -> new CatchupSettings(List.of(10), List.of(1), 1, 0, Duration.ZERO, Duration.ZERO))
                .hasMessageContaining("--timeout must be positive");
        assertThatThrownBy(() -> settings(List.of(), List.of(1))).hasMessageContaining("at least one value");
    }
}
