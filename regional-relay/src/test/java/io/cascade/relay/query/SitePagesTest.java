package io.cascade.relay.query;

import static io.cascade.proto.AppState.FAILED;
import static io.cascade.proto.AppState.READY;
import static io.cascade.relay.status.StatusFixtures.app;
import static io.cascade.relay.status.StatusFixtures.doc;
import static io.cascade.relay.status.StatusFixtures.entry;
import static io.cascade.relay.status.StatusFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.proto.AppState;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.SiteEntry;
import io.cascade.relay.status.SiteRegistry;
import io.cascade.relay.status.StatusFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SitePagesTest {

    final SiteRegistry sites = new SiteRegistry("eu", new StatusFixtures.TestClock());

    /** 250 sites: site-000..249; every 10th FAILED on web, the rest READY; the 50 "lab" sites report nothing. */
    @BeforeEach
    void fill() {
        sites.syncDesired(List.of(entry("web", 1, doc("web", 4, Map.of(), -1)), entry("db", 2, doc("db", 4, Map.of("tier", "lab"), -1))));
        for (int i = 0; i < 250; i++) {
            String site = "site-%03d".formatted(i);
            if (i >= 200) {
                sites.apply(report(site, 1, Map.of("tier", "lab")));
            } else {
                sites.apply(report(site, 1, Map.of("tier", "store"), app("web", 4, i % 10 == 0 ? FAILED : READY, "boom " + i)));
            }
        }
        sites.apply(report("zz-cache-only", 1, Map.of("tier", "store"), app("cache", 1, FAILED, "disk")));
    }

    List<String> all(ListSitesRequest.Builder req) {
        List<String> out = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            ListSitesResponse page = SitePages.answer(sites, req.setPageToken(token).build());
            page.getSitesList().forEach(e -> out.add(e.getStatus().getSite()));
            token = page.getNextPageToken();
            pages++;
        } while (!token.isEmpty() && pages < 100);
        return out;
    }

    @Test
    void pagesAreSortedBySiteAndChainByToken() {
        ListSitesResponse first = SitePages.answer(sites, ListSitesRequest.newBuilder().setPageSize(100).build());
        assertThat(first.getSitesList()).hasSize(100);
        assertThat(first.getSites(0).getStatus().getSite()).isEqualTo("site-000");
        assertThat(first.getNextPageToken()).isEqualTo("site-099");
        SiteEntry e = first.getSites(0);
        assertThat(e.getOnline()).isTrue();
        assertThat(e.getLastSeen().getSeconds()).isPositive();

        List<String> everything = all(ListSitesRequest.newBuilder().setPageSize(100));
        assertThat(everything).hasSize(251).isSorted().doesNotHaveDuplicates();
        ListSitesResponse last = SitePages.answer(sites, ListSitesRequest.newBuilder().setPageSize(100).setPageToken("site-199").build());
        assertThat(last.getSitesList()).hasSize(51);
        assertThat(last.getNextPageToken()).isEmpty();
    }

    @Test
    void pageSizeDefaultsTo100AndIsCappedAt1000() {
        assertThat(SitePages.answer(sites, ListSitesRequest.getDefaultInstance()).getSitesList()).hasSize(100);
        for (int i = 0; i < 1200; i++) {
            sites.apply(report("x-%04d".formatted(i), 1, Map.of()));
        }
        ListSitesResponse big = SitePages.answer(sites, ListSitesRequest.newBuilder().setPageSize(5000).build());
        assertThat(big.getSitesList()).hasSize(1000);
        assertThat(big.getNextPageToken()).isNotEmpty();
    }

    @Test
    void stateFilterWithAndWithoutApp() {
        List<String> failedWeb = all(ListSitesRequest.newBuilder().setApp("web").setState(FAILED).setPageSize(7));
        assertThat(failedWeb).hasSize(20).allMatch(s -> Integer.parseInt(s.substring(5)) % 10 == 0);
        assertThat(all(ListSitesRequest.newBuilder().setState(FAILED))).hasSize(21).contains("zz-cache-only");
        assertThat(all(ListSitesRequest.newBuilder().setApp("web").setState(AppState.APPLYING))).isEmpty();
    }

    @Test
    void revisionFilterKeepsSitesReportingTheAppAtThatRevision() {
        assertThat(all(ListSitesRequest.newBuilder().setApp("web").setIntentRevision(4))).hasSize(200);
        assertThat(all(ListSitesRequest.newBuilder().setApp("web").setIntentRevision(3))).isEmpty();
        assertThat(all(ListSitesRequest.newBuilder().setApp("web").setIntentRevision(4).setState(FAILED))).hasSize(20);
        assertThat(all(ListSitesRequest.newBuilder().setIntentRevision(1))).containsExactly("zz-cache-only");
    }

    @Test
    void appFilterKeepsTargetedAndReportingSites() {
        assertThat(all(ListSitesRequest.newBuilder().setApp("db"))).as("targeted, not reporting").hasSize(50)
                .allMatch(s -> s.compareTo("site-200") >= 0);
        assertThat(all(ListSitesRequest.newBuilder().setApp("cache"))).as("reporting, not targeted").containsExactly("zz-cache-only");
        assertThat(all(ListSitesRequest.newBuilder().setApp("web"))).hasSize(251);
    }

    @Test
    void anotherRegionGetsAnEmptyPage() {
        assertThat(SitePages.answer(sites, ListSitesRequest.newBuilder().setRegion("us").build()).getSitesList()).isEmpty();
        assertThat(SitePages.answer(sites, ListSitesRequest.newBuilder().setRegion("eu").build()).getSitesList()).hasSize(100);
    }
}
