package io.cascade.bench.catchup;

import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.bench.catchup.IntentBurst.Outcome;
import io.cascade.bench.catchup.IntentBurst.Published;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Publishes of one app answered out of order: the app's last version is the one the hub numbered last. */
class IntentBurstTest {

    @Test
    void theHighestIntentRevisionPerAppIsItsLastVersionWhateverTheListOrder() {
        Outcome o = new Outcome(List.of(
                new Published("app-000", "2.0.1", 12, false, 5_000_000),
                new Published("app-001", "2.0.2", 11, false, 7_000_000),
                new Published("app-000", "2.0.3", 14, false, 9_000_000),
                new Published("app-001", "2.0.4", 13, false, 3_000_000),
                // sent after 2.0.3 but stored before it: the hub serialized them the other way round
                new Published("app-000", "2.0.5", 13_0, false, 1_000_000),
                new Published("app-000", "2.0.7", 15, true, 1_000_000)), 20_000_000);

        assertThat(o.latestPerApp()).containsOnlyKeys("app-000", "app-001");
        assertThat(o.latestPerApp().get("app-000").version()).isEqualTo("2.0.5");
        assertThat(o.latestPerApp().get("app-001").version()).isEqualTo("2.0.4");
        assertThat(o.latestRevisions()).containsExactly(java.util.Map.entry("app-000", 130L), java.util.Map.entry("app-001", 13L));
        assertThat(o.latenciesMs()).containsExactly(5.0, 7.0, 9.0, 3.0, 1.0, 1.0);
        assertThat(o.unchanged()).isEqualTo(1);
    }
}
