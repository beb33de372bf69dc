package io.cascade.hub.intent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.hub.Hub;
import io.cascade.hub.desired.DesiredDocs;
import io.cascade.hub.metrics.HubMetrics;
import io.cascade.hub.sites.SiteLookup;
import io.cascade.hub.testing.HubExtension;
import io.cascade.hub.testing.SampleIntents;
import io.cascade.proto.Intent;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two hub service replicas publish the same app at the same time, on a real hub: the interleaving is made
 * deterministic by letting the other replica's publish land between this one's read of the app's revision and its
 * compare-and-set write. The store resolves it: the other's revision stays the app's latest (no lost write) and
 * this one gets CONFLICT (gRPC ABORTED) naming the revision that won.
 */
class IntentConflictIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    @Test
    void theSecondWriterOfARaceGetsAConflictNamingTheRevisionThatWonAndNothingIsLost() throws Exception {
        Hub.start(HubExtension.config(FABRIC), new HubMetrics(new SimpleMeterRegistry())).close(); // the hub's buckets
        try (Connection nats = FABRIC.connectHub()) {
            KeyValue intentsBucket = nats.keyValue(Subjects.KV_INTENTS);
            Intents other = replica(nats, intentsBucket);
            Intent v1 = SampleIntents.valid("race").setBundle(SampleIntents.bundle("1.0.0")).build();
            Intent mine = v1.toBuilder().setBundle(SampleIntents.bundle("2.0.0")).build();
            Intent theirs = v1.toBuilder().setBundle(SampleIntents.bundle("3.0.0")).build();
            long first = other.publish(v1).revision();

            AtomicLong won = new AtomicLong();
            AtomicBoolean raced = new AtomicBoolean();
            KeyValue racing = (KeyValue) Proxy.newProxyInstance(KeyValue.class.getClassLoader(), new Class<?>[] {KeyValue.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("update") && !raced.getAndSet(true)) {
                            won.set(other.publish(theirs).revision()); // the other replica's write lands first
                        }
                        try {
                            return method.invoke(intentsBucket, args);
                        } catch (InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            Intents me = replica(nats, racing);

            assertThatThrownBy(() -> me.publish(mine))
                    .isInstanceOfSatisfying(IntentException.class, e -> assertThat(e.reason()).isEqualTo(IntentException.Reason.CONFLICT))
                    .hasMessageContaining("changed by another writer at the same time")
                    .hasMessageContaining("(its intent revision is now " + won.get() + ")");
            assertThat(raced).as("the race happened").isTrue();
            assertThat(won.get()).isGreaterThan(first);
            StoredIntent latest = other.get("race", java.util.OptionalLong.empty());
            assertThat(latest.revision()).as("the winner's write is the app's latest").isEqualTo(won.get());
            assertThat(latest.intent().getBundle().getVersion()).isEqualTo("3.0.0");
        }
    }

    private static Intents replica(Connection nats, KeyValue intentsBucket) throws Exception {
        DesiredDocs docs = new DesiredDocs(nats.keyValue(Subjects.KV_DESIRED), nats.jetStreamManagement(), FABRIC.fleet());
        return new Intents(intentsBucket, nats.jetStream(), FABRIC.fleet(), SiteLookup.of(FABRIC.fleet()), nats.getMaxPayload(), docs);
    }
}
