package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Subscription;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Messages cross both leaf links of a real hub and two relays, in both directions. */
class LeafLinkIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void hubReachesEveryRelayAndEveryRelayReachesTheHub() throws Exception {
        try (Connection hub = Nats.connect(FABRIC.hub().clientUrl());
             Connection eu = Nats.connect(FABRIC.relay("eu").clientUrl());
             Connection us = Nats.connect(FABRIC.relay("us").clientUrl())) {
            for (Connection relay : new Connection[] {eu, us}) {
                assertThat(deliver(hub, relay, "down.test")).isEqualTo("down.test");
                assertThat(deliver(relay, hub, "up.test")).isEqualTo("up.test");
            }
        }
    }

    @Test
    void requestFromOneRegionIsAnsweredInTheOtherAcrossBothLinks() throws Exception {
        try (Connection eu = Nats.connect(FABRIC.relay("eu").clientUrl());
             Connection us = Nats.connect(FABRIC.relay("us").clientUrl())) {
            us.createDispatcher(m -> us.publish(m.getReplyTo(), ("us got " + text(m)).getBytes()))
                    .subscribe("cross.region");
            us.flush(Duration.ofSeconds(2));
            AtomicReference<String> answer = new AtomicReference<>();
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try {
                    answer.set(text(eu.request("cross.region", "hello".getBytes(), Duration.ofMillis(500))));
                    return true;
                } catch (Exception noRouteYet) {
                    return false;
                }
            });
            assertThat(answer.get()).isEqualTo("us got hello");
        }
    }

    @Test
    void relayReachesTheHubsJetStreamDomainAcrossTheLeafLink() throws Exception {
        try (Connection eu = Nats.connect(FABRIC.relay("eu").clientUrl())) {
            var local = eu.jetStreamManagement().getAccountStatistics();
            var core = eu.jetStreamManagement(JetStreamOptions.builder().domain(Subjects.HUB_DOMAIN).build())
                    .getAccountStatistics();
            assertThat(local.getDomain()).isEqualTo(Subjects.relayDomain("eu"));
            assertThat(core.getDomain()).isEqualTo(Subjects.HUB_DOMAIN);
        }
    }

    /**
     * Subscribes on {@code to}, then publishes on {@code from} until the message arrives: interest
     * crosses a leaf link asynchronously, so the first publishes may have no route yet.
     */
    static String deliver(Connection from, Connection to, String subject) throws Exception {
        Subscription sub = to.subscribe(subject);
        to.flush(Duration.ofSeconds(2));
        CompletableFuture<String> got = new CompletableFuture<>();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100)).until(() -> {
            from.publish(subject, subject.getBytes(StandardCharsets.UTF_8));
            Message m = sub.nextMessage(Duration.ofMillis(100));
            if (m != null) {
                got.complete(text(m));
            }
            return got.isDone();
        });
        sub.unsubscribe();
        return got.get(1, TimeUnit.SECONDS);
    }

    static String text(Message m) {
        return new String(m.getData(), StandardCharsets.UTF_8);
    }
}
