package io.cascade.topology.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class BoundedLogTest {

    @Test
    void oneLinePerCausePerIntervalThenTheCountOfThoseLeftOut() {
        List<String> lines = new ArrayList<>();
        AtomicLong now = new AtomicLong();
        BoundedLog log = new BoundedLog(lines::add, Duration.ofSeconds(10), now::get);
        for (int i = 0; i < 1800; i++) {
            log.warn("malformed status", "malformed status from site-" + i);
            log.warn("status for another site", "status for another site from site-" + i);
        }
        assertThat(lines).containsExactly("malformed status from site-0", "status for another site from site-0");

        now.addAndGet(Duration.ofSeconds(11).toNanos());
        log.warn("malformed status", "malformed status from site-x");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(2)).isEqualTo("malformed status from site-x (1799 more malformed status left out of the log in the 10 s before)");

        now.addAndGet(Duration.ofSeconds(11).toNanos());
        log.warn("malformed status", "again");
        assertThat(lines.get(3)).isEqualTo("again");
    }
}
