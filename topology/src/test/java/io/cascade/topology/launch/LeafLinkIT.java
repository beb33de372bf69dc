package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.cascade.topology.trust.Identity;
import io.nats.client.Connection;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the fabric's identities need crosses both leaf links of a real hub and two relays, in both
 * directions, with every server in operator mode.
 */
class LeafLinkIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void anOperatorsProbeReachesEachRelayServiceAndItsAnswerComesBack() throws Exception {
        try (Connection operator = FABRIC.connect(FABRIC.hub(), new Identity.Operator());
             Connection eu = FABRIC.connectRelay("eu");
             Connection us = FABRIC.connectRelay("us")) {
            for (var relay : java.util.Map.of("eu", eu, "us", us).entrySet()) {
                Connection c = relay.getValue();
                c.createDispatcher(m -> c.publish(m.getReplyTo(), ("relay " + relay.getKey()).getBytes()))
                        .subscribe(Subjects.probeRelay(relay.getKey()));
                c.flush(Duration.ofSeconds(2));
                assertThat(request(operator, Subjects.probeRelay(relay.getKey()))).isEqualTo("relay " + relay.getKey());
            }
        }
    }

    @Test
    void aRelayServiceWritesItsRegionsRollupIntoTheHubsDomain() throws Exception {
        try (Connection hub = FABRIC.connectHub(); Connection eu = FABRIC.connectRelay("eu")) {
            hub.keyValueManagement().create(KeyValueConfiguration.builder().name(Subjects.KV_ROLLUP).build());
            KeyValue atHub = eu.keyValue(Subjects.KV_ROLLUP, KeyValueOptions.builder()
                    .jetStreamOptions(JetStreamOptions.builder().domain(Subjects.HUB_DOMAIN).build()).build());
            await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                    .until(() -> atHub.put("eu", "counts".getBytes()) > 0);
            assertThat(new String(hub.keyValue(Subjects.KV_ROLLUP).get("eu").getValue())).isEqualTo("counts");
            assertThat(eu.jetStreamManagement().getAccountStatistics().getDomain()).isEqualTo(Subjects.relayDomain("eu"));
        }
    }

    /** Requests until answered: interest crosses a leaf link asynchronously. */
    static String request(Connection from, String subject) {
        AtomicReference<String> answer = new AtomicReference<>();
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            Message m = from.request(subject, new byte[0], Duration.ofMillis(500));
            if (m != null) {
                answer.set(new String(m.getData(), StandardCharsets.UTF_8));
            }
            return answer.get() != null;
        });
        return answer.get();
    }
}
