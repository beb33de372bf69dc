package io.cascade.relay.query;

import com.google.protobuf.Timestamp;
import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.ListSitesRequest;
import io.cascade.proto.ListSitesResponse;
import io.cascade.proto.SiteEntry;
import io.cascade.relay.status.SiteRegistry;
import java.util.List;
import java.util.function.Predicate;

/**
 * One page of the drill-down: the registry's sites that pass the request's filters, sorted by site.
 * {@code app} keeps the sites that report the app or are targeted by it; {@code state} keeps the
 * sites whose report has that app (or, without {@code app}, any app) in that state, offline sites
 * included with their last states ({@code online} false). A page holds {@code page_size} sites (0
 * means 100, at most 1000); the token of the next page is the last site of this one, so a page is
 * O(log sites + sites scanned) and stays right while sites come and go.
 */
final class SitePages {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private SitePages() {}

    static ListSitesResponse answer(SiteRegistry sites, ListSitesRequest req) {
        if (req.hasRegion() && !req.getRegion().equals(sites.region())) {
            return ListSitesResponse.getDefaultInstance();
        }
        int size = req.getPageSize() == 0 ? DEFAULT_PAGE : Math.min(req.getPageSize(), MAX_PAGE);
        List<SiteRegistry.SiteView> found = sites.scan(req.getPageToken(), filter(req), size + 1);
        ListSitesResponse.Builder out = ListSitesResponse.newBuilder();
        for (SiteRegistry.SiteView v : found.subList(0, Math.min(size, found.size()))) {
            out.addSites(SiteEntry.newBuilder()
                    .setStatus(v.status())
                    .setOnline(v.online())
                    .setLastSeen(Timestamp.newBuilder().setSeconds(v.lastSeen().getEpochSecond()).setNanos(v.lastSeen().getNano())));
        }
        if (found.size() > size) {
            out.setNextPageToken(found.get(size - 1).site());
        }
        return out.build();
    }

    private static Predicate<SiteRegistry.SiteView> filter(ListSitesRequest req) {
        String app = req.hasApp() ? req.getApp() : null;
        AppState state = req.getState() == AppState.APP_STATE_UNSPECIFIED ? null : req.getState();
        Long revision = req.hasIntentRevision() ? req.getIntentRevision() : null;
        String text = req.getSiteContains().toLowerCase(java.util.Locale.ROOT);
        return v -> {
            if (!text.isEmpty() && !v.site().toLowerCase(java.util.Locale.ROOT).contains(text)) {
                return false;
            }
            if (app != null && !v.targetedBy().contains(app) && !reports(v, app, null, null)) {
                return false;
            }
            return (state == null && revision == null) || reports(v, app, state, revision);
        };
    }

    /**
     * Whether the site reports {@code app} (any app when null) in {@code state} (any when null) at
     * {@code revision} (any when null).
     */
    private static boolean reports(SiteRegistry.SiteView v, String app, AppState state, Long revision) {
        for (AppStatus a : v.status().getAppsList()) {
            if ((app == null || a.getApp().equals(app)) && (state == null || a.getState() == state)
                    && (revision == null || a.getIntentRevision() == revision)) {
                return true;
            }
        }
        return false;
    }
}
