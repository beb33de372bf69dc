package io.cascade.bench.raw;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.Jvm;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundTest {

    @Test
    void percentilesAreNearestRank() {
        long[] sorted = new long[100];
        for (int i = 0; i < 100; i++) {
            sorted[i] = (i + 1) * 1_000_000L;
        }
        assertThat(Jvm.rank(sorted, 0.0)).isEqualTo(1_000_000L);
        assertThat(Jvm.rank(sorted, 0.50)).isEqualTo(50_000_000L);
        assertThat(Jvm.rank(sorted, 0.99)).isEqualTo(99_000_000L);
        assertThat(Jvm.rank(sorted, 1.0)).isEqualTo(100_000_000L);
        assertThat(Jvm.rank(new long[0], 0.99)).isZero();
    }

    @Test
    void aRoundCountsWhoGotTheMessageAndWhoDidNot() {
        Delivery d = new Delivery(4);
        long sent = 1_000_000_000L;
        d.record(0, sent + 2_000_000);
        d.record(2, sent + 5_000_000);
        d.record(2, sent + 9_000_000); // a repeat keeps the first receipt
        Round r = Round.of(1, 1, d, 4, sent, sent + 100_000, Map.of("hub", 1.0), 0);
        assertThat(r.delivered()).isEqualTo(2);
        assertThat(r.missing()).isEqualTo(2);
        assertThat(r.firstMs()).isEqualTo(2.0);
        assertThat(r.lastMs()).isEqualTo(5.0);
        assertThat(r.publishMs()).isEqualTo(0.1);
    }
}
