package io.cascade.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import org.junit.jupiter.api.Test;

/** The process registry: common tags on every meter, the JVM bound. */
class ProcessRegistryTest {

    @Test
    void everyMeterCarriesTierAndRegion() {
        try (ProcessRegistry process = ProcessRegistry.open(ProcessRegistry.Tier.EDGE, "eu")) {
            process.registry().counter("cascade.test.things").increment();

            assertThat(process.registry().scrape())
                    .contains("cascade_test_things_total{region=\"eu\",tier=\"edge\"} 1.0")
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_threads_live_threads{region=\"eu\",tier=\"edge\"}")
                    .contains("system_cpu_count{region=\"eu\",tier=\"edge\"}")
                    .contains("process_uptime_seconds{region=\"eu\",tier=\"edge\"}");
            assertThat(process.registry().getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("tier")).isEqualTo("edge"));
        }
    }

    @Test
    void aRegistryNobodyServesLeavesTheJvmsMetersOut() {
        try (ProcessRegistry process = ProcessRegistry.open(ProcessRegistry.Tier.EDGE, "eu", false)) {
            process.registry().counter("cascade.test.things").increment();

            assertThat(process.registry().scrape())
                    .contains("cascade_test_things_total{region=\"eu\",tier=\"edge\"} 1.0")
                    .doesNotContain("jvm_").doesNotContain("process_uptime");
        }
    }

    @Test
    void theHubHasNoRegion() {
        try (ProcessRegistry process = ProcessRegistry.open(ProcessRegistry.Tier.HUB, null)) {
            Meter any = process.registry().getMeters().getFirst();
            assertThat(any.getId().getTag("tier")).isEqualTo("hub");
            assertThat(any.getId().getTag("region")).isNull();
        }
        assertThatThrownBy(() -> ProcessRegistry.open(ProcessRegistry.Tier.HUB, "eu"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no region tag, got eu");
    }

    @Test
    void relaysAndEdgesNeedTheirRegion() {
        assertThatThrownBy(() -> ProcessRegistry.open(ProcessRegistry.Tier.RELAY, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("a relay's meters are tagged with its region; none given");
    }

    @Test
    void closeIsIdempotent() {
        ProcessRegistry process = ProcessRegistry.open(ProcessRegistry.Tier.RELAY, "us");
        process.close();
        process.close();
        assertThat(process.registry().isClosed()).isTrue();
    }
}
