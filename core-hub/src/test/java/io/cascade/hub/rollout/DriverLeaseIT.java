package io.cascade.hub.rollout;

import io.cascade.topology.client.Lease;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.hub.Hub;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.hub.testing.HubExtension;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rollout driver's lease on a real hub: one holder at a time, taken over when the holder stops or leaves. */
class DriverLeaseIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static Hub startHub() throws Exception {
        return Hub.start(HubExtension.config(FABRIC), new HubMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void oneHolderAtATimeAndASilentHolderIsReplacedAfterTheTtl() throws Exception {
        startHub().close(); // creates the bucket as the hub does; closing releases its lease
        try (Connection nats = FABRIC.connectHub()) {
            KeyValue leases = nats.keyValue(Subjects.KV_LEASES);
            Lease a = new Lease(leases, Lease.ROLLOUT_DRIVER, "rollout driver", "test-a");
            Lease b = new Lease(leases, Lease.ROLLOUT_DRIVER, "rollout driver", "test-b");
            await().atMost(Duration.ofSeconds(10)).until(() -> a.hold() || b.hold());
            Lease holder = a.held() ? a : b;
            Lease other = holder == a ? b : a;
            assertThat(other.hold()).as("one holder at a time").isFalse();
            assertThat(other.holderNow()).contains(holder == a ? "test-a" : "test-b");

            // the holder goes silent, as if killed -9: the other takes over once its entry expired
            long silent = System.nanoTime();
            await().atMost(Lease.TTL.plusSeconds(5)).pollInterval(Duration.ofMillis(100)).until(other::hold);
            long takeover = System.nanoTime() - silent;
            assertThat(Duration.ofNanos(takeover)).isGreaterThan(Lease.TTL.minus(Lease.RENEW));
            assertThat(holder.hold()).as("the old holder, back, finds it taken and does not drive").isFalse();

            other.release();
            assertThat(holder.hold()).as("a released lease is free at once").isTrue();
            holder.release();
            System.out.printf("rollout driver lease (TTL %d ms): a silent holder replaced after %d ms%n",
                    Lease.TTL.toMillis(), TimeUnit.NANOSECONDS.toMillis(takeover));
        }
    }

    @Test
    void aHolderWhoseRenewalsWereLateTakesItsLiveEntryBackAtOnceAndNoOneElseCan() throws Exception {
        startHub().close();
        try (Connection nats = FABRIC.connectHub()) {
            KeyValue leases = nats.keyValue(Subjects.KV_LEASES);
            Lease late = new Lease(leases, Lease.ROLLOUT_DRIVER, "rollout driver", "test-late");
            Lease other = new Lease(leases, Lease.ROLLOUT_DRIVER, "rollout driver", "test-other");
            await().atMost(Duration.ofSeconds(10)).until(late::hold);
            // no renewal for longer than it may act on one (as when the store did not answer): it must stop driving
            await().atMost(Lease.TTL).pollInterval(Duration.ofMillis(50)).until(() -> !late.valid());
            assertThat(other.hold()).as("its entry still lives: no one else may take it").isFalse();
            assertThat(late.hold()).as("it takes its own live entry back (compare-and-set on that entry)").isTrue();
            assertThat(late.valid()).isTrue();
            assertThat(late.holderNow()).contains("test-late");
            late.release();
        }
    }

    @Test
    void ofTwoHubReplicasExactlyOneDrivesAndTheOtherTakesOverWhenItLeaves() throws Exception {
        try (Hub first = startHub(); Hub second = startHub()) {
            await().atMost(Lease.TTL.plusSeconds(10)).until(() -> first.drivesRollouts() ^ second.drivesRollouts());
            Hub driver = first.drivesRollouts() ? first : second;
            Hub standby = driver == first ? second : first;
            // still exactly one, over two renewals
            await().during(Lease.RENEW.multipliedBy(2)).atMost(Lease.RENEW.multipliedBy(2).plusSeconds(2))
                    .until(() -> driver.drivesRollouts() && !standby.drivesRollouts());
            long left = System.nanoTime();
            driver.close();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(standby::drivesRollouts);
            System.out.printf("rollout driver: the standby replica drives %d ms after the driver closed%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left));
        }
    }
}
