package io.cascade.hub.rollup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.proto.AppState;
import io.cascade.proto.ListSitesRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ListSites page token: opaque, carries the relay's own token verbatim, bound to the filters. */
class PageTokenTest {

    private static final List<String> REGIONS = List.of("eu", "us");
    private static final ListSitesRequest FAILED_WEB = ListSitesRequest.newBuilder().setApp("web")
            .setState(AppState.FAILED).setPageSize(10).build();

    @Test
    void aTokenReadsBackWithTheRelaysTokenVerbatim() throws Exception {
        String relayToken = "after|store-eu-0007|ü==";
        String token = PageToken.start(FAILED_WEB, "eu").at("us", relayToken).encode();

        assertThat(token).matches("[A-Za-z0-9_-]+");
        PageToken read = PageToken.decode(token, FAILED_WEB.toBuilder().setPageSize(50).build(), REGIONS);
        assertThat(read.region()).isEqualTo("us");
        assertThat(read.relayToken()).isEqualTo(relayToken);
    }

    @Test
    void somethingElseIsNotAToken() {
        for (String bad : List.of("bogus!", "c29tZXRoaW5n", PageToken.start(FAILED_WEB, "asia").encode())) {
            assertThatThrownBy(() -> PageToken.decode(bad, FAILED_WEB, REGIONS))
                    .isInstanceOfSatisfying(RollupException.class, e -> {
                        assertThat(e.reason()).isEqualTo(RollupException.Reason.INVALID);
                        assertThat(e.getMessage()).isEqualTo("pageToken: \"" + bad
                                + "\" is not a token from ListSites; leave it empty for the first page");
                    });
        }
    }

    @Test
    void aTokenIsRefusedWithOtherFilters() {
        String token = PageToken.start(FAILED_WEB, "eu").encode();

        assertThatThrownBy(() -> PageToken.decode(token, FAILED_WEB.toBuilder().setState(AppState.READY).build(), REGIONS))
                .isInstanceOfSatisfying(RollupException.class, e -> assertThat(e.getMessage())
                        .isEqualTo("pageToken: \"" + token + "\" was made for other filters (region, app, state, revision); keep the "
                                + "filters while paging, or start again with an empty token"));
    }
}
