package io.cascade.hub.api;

import static io.cascade.hub.testing.HubExtension.assertStatus;
import static io.cascade.hub.testing.HubExtension.lastOperation;
import static io.cascade.hub.testing.SampleIntents.override;
import static io.cascade.hub.testing.SampleIntents.valid;
import static io.cascade.hub.testing.SampleIntents.waves;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.hub.testing.HubExtension;
import io.cascade.hub.testing.HubExtension.Stores;
import io.cascade.hub.testing.SampleIntents;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.Intent;
import io.cascade.proto.PublishIntentRequest;
import io.cascade.proto.PublishIntentResponse;
import io.cascade.proto.Release;
import io.cascade.proto.RolloutState;
import io.cascade.proto.SiteOverrideDoc;
import io.cascade.proto.Target;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.Status;
import io.nats.client.api.KeyValueOperation;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PublishIntent of a real hub (gRPC on a loopback port) on the demo fleet's real nats-servers: what the
 * operator gets back, and what lands in KV {@code intents} and {@code desired}, read back and decoded.
 * Every test uses its own app names; the fabric is shared by the class.
 */
class PublishIntentIT {

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    static Stream<Arguments> invalidIntents() {
        return SampleIntents.invalid();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidIntents")
    void anInvalidIntentIsRejectedWithItsReasonAndWritesNothing(String name, Intent intent, String message) throws Exception {
        Stores before = HUB.stores();

        assertStatus(() -> HUB.publish(intent), Status.Code.INVALID_ARGUMENT, message);

        assertThat(HUB.stores()).isEqualTo(before);
    }

    @Test
    void aRequestWithoutAnIntentIsRejected() throws Exception {
        Stores before = HUB.stores();
        assertStatus(() -> HUB.fleet().publishIntent(PublishIntentRequest.getDefaultInstance()), Status.Code.INVALID_ARGUMENT,
                "intent: required");
        assertThat(HUB.stores()).isEqualTo(before);
    }

    @Test
    void aPublishWritesOneDocPerTargetedRegionAndOverrideDocsOnlyForOverriddenSites() throws Exception {
        Stores before = HUB.stores();
        Intent intent = valid("shop")
                .addOverrides(override("eu", "store-eu-0001", "ip", "10.1.0.1").toBuilder()
                        .addResources(SampleIntents.manifest("ConfigMap", null, "settings", "kind: ConfigMap # eu-0001")))
                .addOverrides(override("us", "gw-us-0001", "ip", "10.2.0.1"))
                .build();

        PublishIntentResponse reply = HUB.publish(intent);

        assertThat(reply.getUnchanged()).isFalse();
        assertThat(reply.getIntentRevision()).isEqualTo(HUB.intents().get("shop").getRevision());
        assertThat(HUB.stores().writesSince(before)).containsExactly(1L, 4L);
        assertThat(HUB.desiredKeys("shop")).containsExactlyInAnyOrder("eu.app.shop", "us.app.shop",
                "eu.site.store-eu-0001.shop", "us.site.gw-us-0001.shop");

        Intent stored = HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("shop").build()).getIntent();
        assertThat(stored.getBundle().getResourcesList()).allSatisfy(r -> assertThat(r.getSha256()).hasSize(64));
        for (String region : List.of("eu", "us")) {
            DesiredDoc doc = HUB.appDoc(region, "shop");
            assertThat(doc.getApp()).isEqualTo("shop");
            assertThat(doc.getRegion()).isEqualTo(region);
            assertThat(doc.getIntentRevision()).isEqualTo(reply.getIntentRevision());
            assertThat(doc.getTarget()).isEqualTo(intent.getTarget());
            assertThat(doc.getStable()).isEqualTo(release(reply.getIntentRevision(), stored));
            assertThat(doc.hasCandidate()).isFalse();
            assertThat(doc.getWavePercent()).isEqualTo(100);
            assertThat(doc.getRolloutState()).isEqualTo(RolloutState.STABLE);
        }
        SiteOverrideDoc eu = HUB.siteDoc("eu", "store-eu-0001", "shop");
        assertThat(eu.getRegion()).isEqualTo("eu");
        assertThat(eu.getSite()).isEqualTo("store-eu-0001");
        assertThat(eu.getApp()).isEqualTo("shop");
        assertThat(eu.getValuesMap()).containsExactly(Map.entry("ip", "10.1.0.1"));
        assertThat(eu.getResourcesList()).singleElement().satisfies(r -> {
            assertThat(r.getName()).isEqualTo("settings");
            assertThat(r.getSha256()).hasSize(64);
        });
        assertThat(HUB.siteDoc("us", "gw-us-0001", "shop").getValuesMap()).containsExactly(Map.entry("ip", "10.2.0.1"));
    }

    @Test
    void publishingTheSameContentAgainAnswersTheSameRevisionAndWritesNothing() throws Exception {
        Intent intent = valid("same").setTarget(Target.newBuilder().addRegions("eu"))
                .addOverrides(override("eu", "gw-eu-0001", "ip", "10.1.0.9")).build();
        PublishIntentResponse first = HUB.publish(intent);
        Stores before = HUB.stores();

        PublishIntentResponse again = HUB.publish(intent);
        Intent asStored = HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("same").build()).getIntent();
        PublishIntentResponse withHashes = HUB.publish(asStored);

        assertThat(again.getIntentRevision()).isEqualTo(first.getIntentRevision());
        assertThat(again.getUnchanged()).isTrue();
        assertThat(withHashes.getIntentRevision()).isEqualTo(first.getIntentRevision());
        assertThat(withHashes.getUnchanged()).isTrue();
        assertThat(HUB.stores()).isEqualTo(before);
    }

    @Test
    void publishingTheSameIntentAgainRestoresDocsThatAreMissing() throws Exception {
        Intent intent = valid("repair").addOverrides(override("us", "store-us-0002", "ip", "10.2.0.2")).build();
        long revision = HUB.publish(intent).getIntentRevision();
        // as if an earlier publish had stopped half-way
        HUB.desired().delete("us.app.repair");
        HUB.desired().delete("us.site.store-us-0002.repair");

        PublishIntentResponse again = HUB.publish(intent);

        assertThat(again.getUnchanged()).isTrue();
        assertThat(again.getIntentRevision()).isEqualTo(revision);
        assertThat(HUB.appDoc("us", "repair").getIntentRevision()).isEqualTo(revision);
        assertThat(HUB.siteDoc("us", "store-us-0002", "repair").getValuesMap()).containsEntry("ip", "10.2.0.2");
    }

    @Test
    void republishingWithFewerRegionsAndOverridesDeletesTheDroppedDocs() throws Exception {
        HUB.publish(valid("shrink")
                .addOverrides(override("eu", "store-eu-0001", "ip", "10.1.0.1"))
                .addOverrides(override("eu", "store-eu-0002", "ip", "10.1.0.2"))
                .addOverrides(override("us", "store-us-0001", "ip", "10.2.0.1"))
                .build());
        long keptOverrideRevision = HUB.desired().get("eu.site.store-eu-0001.shrink").getRevision();
        Stores before = HUB.stores();

        PublishIntentResponse reply = HUB.publish(valid("shrink")
                .setTarget(valid("shrink").getTarget().toBuilder().addRegions("eu"))
                .addOverrides(override("eu", "store-eu-0001", "ip", "10.1.0.1"))
                .addOverrides(override("eu", "gw-eu-0001", "ip", "10.1.0.3"))
                .build());

        assertThat(HUB.desiredKeys("shrink")).containsExactlyInAnyOrder("eu.app.shrink",
                "eu.site.store-eu-0001.shrink", "eu.site.gw-eu-0001.shrink");
        for (String dropped : List.of("us.app.shrink", "eu.site.store-eu-0002.shrink", "us.site.store-us-0001.shrink")) {
            assertThat(HUB.desired().get(dropped)).as(dropped).isNull();
            assertThat(lastOperation(HUB.desired(), dropped)).as(dropped).isEqualTo(KeyValueOperation.DELETE);
        }
        assertThat(HUB.appDoc("eu", "shrink").getIntentRevision()).isEqualTo(reply.getIntentRevision());
        assertThat(HUB.appDoc("eu", "shrink").getTarget().getRegionsList()).containsExactly("eu");
        assertThat(HUB.desired().get("eu.site.store-eu-0001.shrink").getRevision())
                .as("an unchanged override doc is not rewritten").isEqualTo(keptOverrideRevision);
        // intents: one revision; desired: the eu app doc and the new override doc, three deletes
        assertThat(HUB.stores().writesSince(before)).containsExactly(1L, 5L);
    }

    @Test
    void publishesLeaveNoConsumersBehindOnTheDesiredBucket() throws Exception {
        long before = HUB.desiredConsumers();
        for (int i = 1; i <= 5; i++) {
            HUB.publish(valid("quiet").setBundle(valid("quiet").getBundle().toBuilder().setVersion("1.0." + i))
                    .addOverrides(override("eu", "store-eu-0001", "ip", "10.1.0." + i)).build());
        }
        // listing a bucket's keys through KeyValue.keys() made a consumer per call that the server keeps ~5 s;
        // at the publish bench's rate that was hundreds of consumers and most of the server's CPU per publish
        assertThat(HUB.desiredConsumers()).isEqualTo(before);
        assertThat(HUB.desiredKeys("quiet")).containsExactlyInAnyOrder("eu.app.quiet", "us.app.quiet",
                "eu.site.store-eu-0001.quiet");
    }

    @Test
    void aSecondPublishWithWavesKeepsTheOldStableAndStartsTheNewAsCandidate() throws Exception {
        Intent v1 = valid("canary").setRollout(waves(10, 50, 100)).build();
        Intent v2 = v1.toBuilder().setBundle(SampleIntents.bundle("2.0.0")).build();
        long first = HUB.publish(v1).getIntentRevision();
        assertThat(HUB.appDoc("eu", "canary").getRolloutState()).isEqualTo(RolloutState.STABLE);

        long second = HUB.publish(v2).getIntentRevision();

        Intent stored1 = HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("canary").setIntentRevision(first).build())
                .getIntent();
        Intent stored2 = HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("canary").setIntentRevision(second).build())
                .getIntent();
        for (String region : List.of("eu", "us")) {
            DesiredDoc doc = HUB.appDoc(region, "canary");
            assertThat(doc.getIntentRevision()).isEqualTo(second);
            assertThat(doc.getStable()).isEqualTo(release(first, stored1));
            assertThat(doc.getCandidate()).isEqualTo(release(second, stored2));
            assertThat(doc.getWavePercent()).isEqualTo(10);
            assertThat(doc.getRolloutState()).isEqualTo(RolloutState.ROLLING_OUT);
        }
    }

    private static Release release(long revision, Intent stored) {
        return Release.newBuilder().setIntentRevision(revision).setBundle(stored.getBundle()).build();
    }
}
