package io.cascade.topology.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import org.junit.jupiter.api.Test;

/** The process registry: common tags on every meter, the JVM bound. */
class ProcessRegistryTest {

    @Test
    void everyMeterCarriesTierAndRegion() {
        try (ProcessRegistry process = ProcessRegistry.open(ProcessRegistry.Tier.EDGE, "eu")) {
            process.registry().counter("cascade.test.things").increment();

            assertThat(process.scrape())
                    .contains("cascade_test_things_total{region=\"eu\",tier=\"edge\"} 1.0")
                    .contains("jvm_memory_used_bytes{")
                    .contains("jvm_threads_live_threads{region=\"eu\",tier=\"edge\"}")
                    .contains("system_cpu_count{region=\"eu\",tier=\"edge\"}")
                    .contains("process_uptime_seconds{region=\"eu\",tier=\"edge\"}");
            assertThat(process.registry().getMeters()).allSatisfy(m -> assertThat(m.getId().getTag("tier")).isEqualTo("edge"));
        }
    }

    @Test
    void aRegistryNobodyServesRecordsNothingAndLeavesTheJvmsOut() throws Exception {
        try (ProcessRegistry process = ProcessRegistry.open(ProcessRegistry.Tier.EDGE, "eu", false)) {
            process.registry().counter("cascade.test.things").increment();

            // an empty composite: the components' meters exist (tagged as usual) and record nothing; no Prometheus
            // registry loaded, no JVM meters
            assertThat(process.registry()).isInstanceOf(CompositeMeterRegistry.class);
            assertThat(process.registry().counter("cascade.test.things").count()).isZero();
            assertThat(process.registry().getMeters()).extracting(m -> m.getId().getName()).containsExactly("cascade.test.things");
            assertThat(process.registry().getMeters().getFirst().getId().getTags())
                    .containsExactlyInAnyOrder(Tag.of("tier", "edge"), Tag.of("region", "eu"));
            assertThatThrownBy(() -> process.serve("127.0.0.1", 0)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("opened to serve nothing");
            process.serve("127.0.0.1", null); // no port: nothing to serve, nothing said
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
