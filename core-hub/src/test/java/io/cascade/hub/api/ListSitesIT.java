package io.cascade.hub.api;

import static io.cascade.hub.testing.HubExtension.assertStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.hub.testing.FakeRelay;
import io.cascade.hub.testing.HubExtension;
import io.cascade.proto.AppState;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.SiteEntry;
import io.cascade.topology.testing.FabricExtension;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * ListSites of a real hub, drilling down through the demo fleet's real relay nats-servers (across the
 * leaf links) to fake relays the tests run there: plain NATS subscribers on {@code cascade.query.<region>}
 * answering ListSitesResponse pages.
 */
class ListSitesIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final List<String> EU = List.of("gw-eu-0001", "gw-eu-0002", "store-eu-0001", "store-eu-0002", "store-eu-0003");
    private static final List<String> US = List.of("gw-us-0001", "store-us-0001", "store-us-0002");

    @RegisterExtension
    @Order(1)
    static final FabricExtension FABRIC = FabricExtension.demo();

    @RegisterExtension
    @Order(2)
    static final HubExtension HUB = new HubExtension(FABRIC);

    @Test
    void sitesOfAllRegionsComeSortedByRegionThenSiteAcrossPages() throws Exception {
        try (FakeRelay eu = FakeRelay.answering(FABRIC, "eu", 2,
                "store-eu-0003", "gw-eu-0002", "store-eu-0001", "gw-eu-0001", "store-eu-0002");
             FakeRelay us = FakeRelay.answering(FABRIC, "us", 2,
                     "store-us-0002", "store-us-0001", "gw-us-0001")) {
            ListSitesRequest failedWeb = ListSitesRequest.newBuilder().setApp("web").setState(AppState.FAILED).build();
            awaitBothRegionsAnswer(failedWeb);

            List<ListSitesResponse> pages = allPages(failedWeb.toBuilder().setPageSize(3).build());

            assertThat(pages).extracting(ListSitesResponse::getSitesCount).containsExactly(3, 3, 2);
            List<String> expected = new ArrayList<>(EU);
            expected.addAll(US);
            assertThat(pages.stream().flatMap(p -> p.getSitesList().stream()).map(ListSitesIT::name).toList())
                    .isEqualTo(expected.stream().map(s -> (s.contains("-eu-") ? "eu/" : "us/") + s).toList());
            assertThat(eu.requests()).allSatisfy(r -> {
                assertThat(r.getRegion()).isEqualTo("eu");
                assertThat(r.getApp()).isEqualTo("web");
                assertThat(r.getState()).isEqualTo(AppState.FAILED);
                assertThat(r.getPageSize()).isBetween(1, 1000);
            });
            assertThat(us.requests()).allSatisfy(r -> assertThat(r.getRegion()).isEqualTo("us"));

            int euAsked = eu.requests().size();
            ListSitesResponse onlyUs = HUB.fleet().listSites(ListSitesRequest.newBuilder().setRegion("us").build());
            assertThat(onlyUs.getSitesList()).extracting(ListSitesIT::name)
                    .containsExactly("us/gw-us-0001", "us/store-us-0001", "us/store-us-0002");
            assertThat(onlyUs.getNextPageToken()).isEmpty();
            assertThat(eu.requests()).as("a region filter asks only that region").hasSize(euAsked);

            int usAsked = us.requests().size();
            HUB.fleet().listSites(ListSitesRequest.newBuilder().setRegion("us").setPageSize(5000).build());
            assertThat(us.requests().get(usAsked).getPageSize()).as("page sizes over 1000 are treated as 1000").isEqualTo(1000);
        }
    }

    @Test
    void aRegionWhoseRelayDoesNotAnswerIsLeftOut() throws Exception {
        try (FakeRelay eu = FakeRelay.answering(FABRIC, "eu", 100, EU.toArray(String[]::new));
             FakeRelay us = FakeRelay.silent(FABRIC, "us")) {
            // until the relays' subscriptions reached the hub: eu answers, us was asked
            await().atMost(WAIT).until(() -> HUB.fleet().listSites(ListSitesRequest.getDefaultInstance()).getSitesCount()
                    == EU.size() && !us.requests().isEmpty());

            ListSitesResponse listed = HUB.fleet().listSites(ListSitesRequest.getDefaultInstance());

            assertThat(listed.getSitesList()).extracting(ListSitesIT::name).allMatch(name -> name.startsWith("eu/"))
                    .hasSize(EU.size());
            assertThat(listed.getNextPageToken()).as("the silent region is not retried on a next page").isEmpty();
        }
        ListSitesResponse nobody = HUB.fleet().listSites(ListSitesRequest.getDefaultInstance());
        assertThat(nobody.getSitesList()).as("no relay answers").isEmpty();
        assertThat(nobody.getNextPageToken()).isEmpty();
    }

    @Test
    void malformedRequestsAreRefusedWithTheirReason() {
        String notADnsLabel = " is not a DNS label: use 1 to 63 lower-case letters, digits or '-', starting and ending "
                + "with a letter or digit";
        assertStatus(() -> HUB.fleet().listSites(ListSitesRequest.newBuilder().setPageToken("bogus!").build()),
                Status.Code.INVALID_ARGUMENT, "pageToken: \"bogus!\" is not a token from ListSites; leave it empty for the first page");
        assertStatus(() -> HUB.fleet().listSites(ListSitesRequest.newBuilder().setRegion("asia").build()),
                Status.Code.INVALID_ARGUMENT, "region: unknown region \"asia\"; the fleet has regions [eu, us]");
        assertStatus(() -> HUB.fleet().listSites(ListSitesRequest.newBuilder().setApp("Web").build()),
                Status.Code.INVALID_ARGUMENT, "app: \"Web\"" + notADnsLabel);
        assertStatus(() -> HUB.fleet().listSites(ListSitesRequest.newBuilder().setStateValue(42).build()),
                Status.Code.INVALID_ARGUMENT, "state: unknown value 42; use PENDING, APPLYING, READY, FAILED, DRIFTED, "
                        + "or APP_STATE_UNSPECIFIED for no state filter");
    }

    @Test
    void aPageTokenOnlyGoesWithTheFiltersItWasMadeFor() throws Exception {
        try (FakeRelay eu = FakeRelay.answering(FABRIC, "eu", 100, EU.toArray(String[]::new))) {
            ListSitesRequest euOnly = ListSitesRequest.newBuilder().setRegion("eu").setPageSize(2).build();
            String token = await().atMost(WAIT).until(() -> HUB.fleet().listSites(euOnly).getNextPageToken(), t -> !t.isEmpty());

            assertThat(HUB.fleet().listSites(euOnly.toBuilder().setPageToken(token).build()).getSitesList())
                    .extracting(ListSitesIT::name).containsExactly("eu/store-eu-0001", "eu/store-eu-0002");
            assertStatus(() -> HUB.fleet().listSites(euOnly.toBuilder().setPageToken(token).setState(AppState.READY).build()),
                    Status.Code.INVALID_ARGUMENT, "pageToken: \"" + token + "\" was made for other filters (region, app, "
                            + "state, revision); keep the filters while paging, or start again with an empty token");
        }
    }

    /** Waits until the relays' subscriptions reached the hub across the leaf links. */
    private static void awaitBothRegionsAnswer(ListSitesRequest request) {
        await().atMost(WAIT).until(() -> HUB.fleet().listSites(request.toBuilder().setPageSize(1000).build())
                .getSitesCount() == EU.size() + US.size());
    }

    private static List<ListSitesResponse> allPages(ListSitesRequest first) {
        List<ListSitesResponse> pages = new ArrayList<>();
        String token = "";
        do {
            ListSitesResponse page = HUB.fleet().listSites(first.toBuilder().setPageToken(token).build());
            pages.add(page);
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return pages;
    }

    private static String name(SiteEntry entry) {
        return entry.getStatus().getRegion() + "/" + entry.getStatus().getSite();
    }
}
