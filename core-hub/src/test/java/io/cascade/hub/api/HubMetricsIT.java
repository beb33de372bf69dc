package io.cascade.hub.api;

import static io.cascade.hub.testing.SampleIntents.valid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.Timestamp;
import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.RegionRollup;
import io.cascade.proto.WithdrawIntentRequest;
import io.cascade.topology.testing.FabricExtension;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The hub's meters, read from the SimpleMeterRegistry a real hub (real nats-server) records into. */
class HubMetricsIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    static double published(String outcome) {
        return HUB.meters().get("cascade.hub.intents.published").tag("outcome", outcome).counter().count();
    }

    @Test
    void publishesAreCountedByOutcomeAndTheAcceptedOnesTimed() {
        double published = published("published");
        double unchanged = published("unchanged");
        double invalid = published("invalid");
        Timer timer = HUB.meters().get("cascade.hub.intent.publish.duration").timer();
        long timed = timer.count();

        HUB.publish(valid("metered").build());
        HUB.publish(valid("metered").build());
        assertThatThrownBy(() -> HUB.fleet().publishIntent(PublishIntentRequest.getDefaultInstance()));
        assertThatThrownBy(() -> HUB.publish(valid("Not_A_Label").build()));

        assertThat(published("published")).isEqualTo(published + 1);
        assertThat(published("unchanged")).isEqualTo(unchanged + 1);
        assertThat(published("invalid")).isEqualTo(invalid + 2);
        assertThat(timer.count()).isEqualTo(timed + 2);
        assertThat(timer.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();

        HUB.fleet().withdrawIntent(WithdrawIntentRequest.newBuilder().setApp("metered").build());
        assertThat(HUB.meters().get("cascade.hub.intents.withdrawn").counter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void regionRollupsAreCountedPerRegionAndMerged() throws Exception {
        MeterRegistry meters = HUB.meters();
        double merges = meters.get("cascade.hub.rollup.merges").counter().count();
        Instant now = Instant.now();
        HUB.rollup().put("eu", RegionRollup.newBuilder().setRegion("eu").setSequence(now.toEpochMilli())
                .setRelayTime(Timestamp.newBuilder().setSeconds(now.getEpochSecond())).setSitesOnline(3).build().toByteArray());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(meters.find("cascade.hub.rollups.received").tag("region", "eu").counter()).isNotNull()
                    .satisfies(c -> assertThat(c.count()).isGreaterThanOrEqualTo(1));
            assertThat(meters.get("cascade.hub.rollup.merges").counter().count()).isGreaterThan(merges);
        });
    }

    @Test
    void listSitesCallsAreCountedAndNoStreamIsOpen() {
        double before = HUB.meters().get("cascade.hub.listsites.requests").counter().count();
        HUB.fleet().listSites(ListSitesRequest.newBuilder().setRegion("eu").build());
        assertThat(HUB.meters().get("cascade.hub.listsites.requests").counter().count()).isEqualTo(before + 1);
        assertThat(HUB.meters().get("cascade.hub.watch.streams").gauge().value()).isZero();
    }
}
