package io.cascade.hub.api;

import static io.cascade.hub.testing.HubExtension.assertStatus;
import static io.cascade.hub.testing.HubExtension.lastOperation;
import static io.cascade.hub.testing.SampleIntents.override;
import static io.cascade.hub.testing.SampleIntents.valid;
import static io.cascade.hub.testing.SampleIntents.waves;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.cascade.hub.testing.HubExtension;
import io.cascade.hub.testing.SampleIntents;
import io.cascade.proto.GetIntentRequest;
import io.cascade.proto.GetIntentResponse;
import io.cascade.proto.IntentSummary;
import io.cascade.proto.ListIntentsRequest;
import io.cascade.proto.ListIntentsResponse;
import io.cascade.proto.RolloutState;
import io.cascade.proto.WithdrawIntentRequest;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.Status;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WithdrawIntent, GetIntent and ListIntents of a real hub on real nats-servers. Every test uses its own
 * app names; the fabric is shared by the class.
 */
class IntentLifecycleIT {

    private static final String NOT_LIVE = " has no live intent: it was never published, or it was withdrawn";

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    @Test
    void withdrawDeletesEveryDocAndTheIntentButKeepsItsHistory() throws Exception {
        long published = HUB.publish(valid("gone")
                .addOverrides(override("eu", "store-eu-0001", "ip", "10.1.0.1"))
                .addOverrides(override("us", "store-us-0002", "ip", "10.2.0.2"))
                .build()).getIntentRevision();
        List<String> docs = HUB.desiredKeys("gone");
        assertThat(docs).hasSize(4);

        long withdrawn = HUB.fleet().withdrawIntent(WithdrawIntentRequest.newBuilder().setApp("gone").build())
                .getIntentRevision();

        assertThat(withdrawn).isGreaterThan(published);
        assertThat(HUB.desiredKeys("gone")).isEmpty();
        for (String key : docs) {
            assertThat(HUB.desired().get(key)).as(key).isNull();
            assertThat(lastOperation(HUB.desired(), key)).as(key).isEqualTo(KeyValueOperation.DELETE);
        }
        assertThat(HUB.intents().get("gone")).isNull();
        assertThat(HUB.intents().history("gone")).extracting(KeyValueEntry::getOperation, KeyValueEntry::getRevision)
                .containsExactly(tuple(KeyValueOperation.PUT, published), tuple(KeyValueOperation.DELETE, withdrawn));
        assertStatus(() -> HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("gone").build()), Status.Code.NOT_FOUND,
                "app \"gone\"" + NOT_LIVE);
        assertThat(HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("gone").setIntentRevision(published).build())
                .getIntent().getApp()).as("history stays readable").isEqualTo("gone");
        assertStatus(() -> HUB.fleet().withdrawIntent(WithdrawIntentRequest.newBuilder().setApp("gone").build()),
                Status.Code.NOT_FOUND, "app \"gone\"" + NOT_LIVE);
        assertThat(allIntents()).extracting(IntentSummary::getApp).doesNotContain("gone");

        long again = HUB.publish(valid("gone").setBundle(SampleIntents.bundle("2.0.0")).setRollout(waves(10, 100)).build())
                .getIntentRevision();
        assertThat(again).isGreaterThan(withdrawn);
        assertThat(HUB.appDoc("eu", "gone").getRolloutState()).as("no stable release after a withdrawal: no rollout")
                .isEqualTo(RolloutState.STABLE);
    }

    @Test
    void withdrawingAnUnknownAppIsNotFoundAndABadNameInvalid() {
        assertStatus(() -> HUB.fleet().withdrawIntent(WithdrawIntentRequest.newBuilder().setApp("never-published").build()),
                Status.Code.NOT_FOUND, "app \"never-published\"" + NOT_LIVE);
        assertStatus(() -> HUB.fleet().withdrawIntent(WithdrawIntentRequest.newBuilder().setApp("Bad_Name").build()),
                Status.Code.INVALID_ARGUMENT, "app: \"Bad_Name\" is not a DNS label: use 1 to 63 lower-case letters, "
                        + "digits or '-', starting and ending with a letter or digit");
    }

    @Test
    void getIntentByRevisionReturnsTheOlderVersion() {
        long first = HUB.publish(valid("versions").build()).getIntentRevision();
        long second = HUB.publish(valid("versions").setBundle(SampleIntents.bundle("2.0.0")).build()).getIntentRevision();
        long other = HUB.publish(valid("versions-other").build()).getIntentRevision();

        GetIntentResponse old = HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("versions")
                .setIntentRevision(first).build());
        GetIntentResponse latest = HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("versions").build());

        assertThat(old.getIntentRevision()).isEqualTo(first);
        assertThat(old.getIntent().getBundle().getVersion()).isEqualTo("1.0.0");
        assertThat(old.getPublishedAt().getSeconds()).isPositive();
        assertThat(latest.getIntentRevision()).isEqualTo(second);
        assertThat(latest.getIntent().getBundle().getVersion()).isEqualTo("2.0.0");
        assertThat(latest.getPublishedAt().getSeconds()).isGreaterThanOrEqualTo(old.getPublishedAt().getSeconds());
        assertStatus(() -> HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("versions").setIntentRevision(other).build()),
                Status.Code.NOT_FOUND, "app \"versions\" has no intent revision " + other + ": it is another app's "
                        + "revision, a withdrawal, or older than the history the hub keeps");
        assertStatus(() -> HUB.fleet().getIntent(GetIntentRequest.newBuilder().setApp("nobody").build()),
                Status.Code.NOT_FOUND, "app \"nobody\"" + NOT_LIVE);
    }

    @Test
    void listIntentsPagesThroughTheLiveIntentsSortedByApp() {
        List<String> apps = List.of("list-a", "list-b", "list-c", "list-d", "list-e");
        apps.forEach(app -> HUB.publish(valid(app).build()));
        HUB.fleet().withdrawIntent(WithdrawIntentRequest.newBuilder().setApp("list-c").build());

        List<ListIntentsResponse> pages = new ArrayList<>();
        String token = "";
        do {
            ListIntentsResponse page = HUB.fleet().listIntents(ListIntentsRequest.newBuilder()
                    .setPageSize(2).setPageToken(token).build());
            pages.add(page);
            token = page.getNextPageToken();
        } while (!token.isEmpty());

        assertThat(pages).allSatisfy(page -> assertThat(page.getIntentsCount()).isBetween(1, 2));
        List<IntentSummary> all = pages.stream().flatMap(page -> page.getIntentsList().stream()).toList();
        assertThat(all).extracting(IntentSummary::getApp).isSorted().doesNotHaveDuplicates()
                .containsSubsequence("list-a", "list-b", "list-d", "list-e").doesNotContain("list-c");
        assertThat(all).filteredOn(s -> s.getApp().equals("list-a")).singleElement().satisfies(summary -> {
            assertThat(summary.getBundleVersion()).isEqualTo("1.0.0");
            assertThat(summary.getDescription()).isEqualTo("web front");
            assertThat(summary.getRequestedBy()).as("the authenticated caller, not the \"ci\" the intent named").isEqualTo("test");
            assertThat(summary.getIntentRevision()).isPositive();
            assertThat(summary.getPublishedAt().getSeconds()).isPositive();
        });
        assertStatus(() -> HUB.fleet().listIntents(ListIntentsRequest.newBuilder().setPageToken("bogus!").build()),
                Status.Code.INVALID_ARGUMENT, "pageToken: \"bogus!\" is not a token from ListIntents; leave it empty for the first page");
    }

    private static List<IntentSummary> allIntents() {
        return HUB.fleet().listIntents(ListIntentsRequest.newBuilder().setPageSize(1000).build()).getIntentsList();
    }
}
