package io.cascade.topology.targeting;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class WavesTest {

    /**
     * Pinned once, and checked against an independent computation (Python's hashlib:
     * {@code int.from_bytes(sha256((site + '\0' + app).encode()).digest()[:8], 'big') % 10000}). If one
     * changes, every tier would disagree about who is in a running wave.
     */
    @ParameterizedTest(name = "bucket({0}, {1}) = {2}")
    @CsvSource({
        "store-0042, web, 6717",
        "store-0001, web, 955",
        "store-0042, pos, 2750",
        "edge-ü,     app, 3353",
        "a,          b,   2387",
    })
    void bucketsArePinned(String site, String app, int bucket) {
        assertThat(Waves.bucket(site, app)).isEqualTo(bucket);
    }

    @Test
    void bucketsStayInRange() {
        IntStream.range(0, 20_000).forEach(i ->
                assertThat(Waves.bucket("site-" + i, "app")).isBetween(0, Waves.BUCKETS - 1));
    }

    @Test
    void theSeparatorKeepsSiteAndAppApart() {
        assertThat(Waves.bucket("ab", "c")).isNotEqualTo(Waves.bucket("a", "bc"));
    }

    @Test
    void zeroIsNobodyAndHundredIsEverybody() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(Waves.inWave("store-" + i, "web", 0)).isFalse();
            assertThat(Waves.inWave("store-" + i, "web", 100)).isTrue();
        }
    }

    @Test
    void aSiteInTheTenPercentWaveIsInTheFiftyPercentWave() {
        long inTen = 0;
        for (int i = 0; i < 10_000; i++) {
            String site = "store-%05d".formatted(i);
            if (Waves.inWave(site, "web", 10)) {
                inTen++;
                assertThat(Waves.inWave(site, "web", 50)).as(site).isTrue();
            }
        }
        assertThat(inTen).isPositive();
    }

    @Test
    void onceInAWaveASiteStaysInEveryLargerWave() {
        for (int i = 0; i < 1_000; i++) {
            String site = "store-%05d".formatted(i);
            boolean[] in = new boolean[101];
            for (int percent = 0; percent <= 100; percent++) {
                in[percent] = Waves.inWave(site, "web", percent);
            }
            for (int percent = 1; percent <= 100; percent++) {
                assertThat(!in[percent - 1] || in[percent]).as("%s at %d%%", site, percent).isTrue();
            }
        }
    }

    @ParameterizedTest(name = "{0}% wave")
    @ValueSource(ints = {1, 10, 20, 50, 90})
    void wavesTakeTheirShareOfTheFleet(int percent) {
        long in = IntStream.range(0, 10_000).filter(i -> Waves.inWave("store-%05d".formatted(i), "web", percent)).count();
        // 10,000 sites: the binomial standard deviation is at most 50 sites (0.5 points)
        assertThat(in / 100.0).isBetween(percent * 0.9 - 0.5, percent * 1.1 + 0.5);
    }

    @Test
    void aTwentyPercentWaveTakesEighteenToTwentyTwoPercent() {
        long in = IntStream.range(0, 10_000).filter(i -> Waves.inWave("store-%05d".formatted(i), "web", 20)).count();
        assertThat(in).isBetween(1_800L, 2_200L);
    }

    @Test
    void eachAppHasItsOwnOrder() {
        long inBoth = IntStream.range(0, 10_000).mapToObj("store-%05d"::formatted)
                .filter(site -> Waves.inWave(site, "web", 20) && Waves.inWave(site, "pos", 20)).count();
        // independent orders: about 4% of sites are in both 20% waves, not 20%
        assertThat(inBoth).isBetween(300L, 500L);
    }

    @ParameterizedTest(name = "{0}%")
    @ValueSource(ints = {-1, 101, Integer.MIN_VALUE, Integer.MAX_VALUE})
    void percentOutsideZeroToHundredIsRejected(int percent) {
        assertThatThrownBy(() -> Waves.inWave("store-1", "web", percent))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("wave percent must be between 0 and 100, was " + percent);
    }

    @Test
    void siteAndAppAreRequired() {
        assertThatThrownBy(() -> Waves.bucket("", "web")).hasMessage("site id must be non-empty");
        assertThatThrownBy(() -> Waves.bucket("store-1", "")).hasMessage("app id must be non-empty");
        assertThatThrownBy(() -> Waves.bucket(null, "web")).isInstanceOf(NullPointerException.class);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"100", "10,100", "1,5,25,50,100", "99,100"})
    void validWaveLists(String waves) {
        assertThat(Waves.wavesError(percents(waves))).isEmpty();
    }

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', value = {
        "''            | waves: at least one wave is required, and the last must be 100",
        "0,100         | waves[0] is 0 but must be between 1 and 100 percent",
        "10,101        | waves[1] is 101 but must be between 1 and 100 percent",
        "10,-5,100     | waves[1] is -5 but must be between 1 and 100 percent",
        "10,50,40,100  | waves[2] is 40 but must be larger than waves[1] (50)",
        "10,10,100     | waves[1] is 10 but must be larger than waves[0] (10)",
        "10,50         | waves[1] is 50 but the last wave must be 100 so that the rollout reaches every targeted site",
        "10,null,100   | waves[1] is missing",
    })
    void invalidWaveListsNameTheWave(String waves, String message) {
        assertThat(Waves.wavesError(percents(waves))).contains(message);
    }

    @Test
    void aMissingWaveListIsInvalid() {
        assertThat(Waves.wavesError(null)).contains("waves: at least one wave is required, and the last must be 100");
    }

    private static List<Integer> percents(String csv) {
        if (csv.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(csv.split(",")).map(p -> p.equals("null") ? null : Integer.valueOf(p)).toList();
    }
}
