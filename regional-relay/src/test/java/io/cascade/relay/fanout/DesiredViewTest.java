package io.cascade.relay.fanout;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class DesiredViewTest {

    final DesiredView view = new DesiredView("eu", 1000);

    static byte[] doc(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void eachChangeCarriesItsChainsPreviousHead() {
        assertThat(view.apply("eu.app.web", 3, false, doc("a")).orElseThrow().prevRevision()).isZero();
        assertThat(view.apply("eu.site.s1.web", 4, false, doc("o")).orElseThrow().prevRevision()).isZero();
        assertThat(view.apply("eu.app.db", 7, false, doc("b")).orElseThrow().prevRevision()).isEqualTo(3);
        assertThat(view.apply("eu.site.s2.web", 8, false, doc("o")).orElseThrow().prevRevision()).isZero();
        assertThat(view.apply("eu.site.s1.db", 9, false, doc("o")).orElseThrow().prevRevision()).isEqualTo(4);
        assertThat(view.apply("eu.app.web", 12, true, doc("")).orElseThrow().prevRevision()).isEqualTo(7);
        assertThat(view.appHead()).isEqualTo(12);
        assertThat(view.siteHead("s1")).isEqualTo(9);
        assertThat(view.siteHead("nobody")).isZero();
    }

    @Test
    void replayedRevisionsAndForeignKeysAreNotNews() {
        view.apply("eu.app.web", 5, false, doc("a"));
        assertThat(view.apply("eu.app.web", 5, false, doc("a"))).isEmpty();
        assertThat(view.apply("eu.app.web", 4, false, doc("old"))).isEmpty();
        assertThat(view.apply("us.app.web", 6, false, doc("x"))).isEmpty();
        assertThat(view.apply("eu.app.web.extra", 7, false, doc("x"))).isEmpty();
        assertThat(view.apply("eu.site.s1", 8, false, doc("x"))).isEmpty();
        assertThat(view.size()).isEqualTo(1);
    }

    @Test
    void syncSendsOnlyTheLatestOfEachKeyNewerThanTheMarks() {
        long rev = 1;
        view.apply("eu.app.web", rev++, false, doc("v0"));
        long mark = view.appHead();
        for (int i = 0; i < 500; i++) {
            view.apply("eu.app.app-" + (i % 10), rev++, false, doc("v" + i));
        }
        DesiredView.SyncAnswer a = view.answer("s1", mark, 0);
        assertThat(a.full()).isFalse();
        assertThat(a.entries()).hasSize(10);
        assertThat(a.entries()).extracting(e -> new String(e.doc(), StandardCharsets.UTF_8))
                .containsExactlyInAnyOrder("v490", "v491", "v492", "v493", "v494", "v495", "v496", "v497", "v498", "v499");
        assertThat(a.appHead()).isEqualTo(rev - 1);
    }

    @Test
    void syncIncludesTombstonesAndOnlyTheSitesOwnOverrides() {
        view.apply("eu.app.web", 1, false, doc("w"));
        view.apply("eu.site.s1.web", 2, false, doc("s1"));
        view.apply("eu.site.s2.web", 3, false, doc("s2"));
        view.apply("eu.app.web", 4, true, doc(""));
        DesiredView.SyncAnswer a = view.answer("s1", 1, 0);
        assertThat(a.entries()).extracting(DesiredView.Entry::key, DesiredView.Entry::deleted)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("eu.site.s1.web", false),
                        org.assertj.core.groups.Tuple.tuple("eu.app.web", true));
        assertThat(a.siteHead()).isEqualTo(2);
    }

    @Test
    void aFreshSiteOrAMarkAheadOfTheViewGetsAFullReplyWithoutTombstones() {
        view.apply("eu.app.web", 1, false, doc("w"));
        view.apply("eu.app.db", 2, false, doc("d"));
        view.apply("eu.app.db", 3, true, doc(""));
        DesiredView.SyncAnswer fresh = view.answer("s1", 0, 0);
        assertThat(fresh.full()).isTrue();
        assertThat(fresh.entries()).extracting(DesiredView.Entry::key).containsExactly("eu.app.web");
        assertThat(view.answer("s1", 99, 0).full()).isTrue();
        assertThat(view.answer("s1", 3, 5).full()).isTrue();
        assertThat(view.answer("s1", 3, 0).full()).isFalse();
    }

    @Test
    void aMarkOlderThanADroppedTombstoneGetsAFullReply() {
        DesiredView small = new DesiredView("eu", 2);
        small.apply("eu.app.a", 1, false, doc("a"));
        small.apply("eu.app.b", 2, false, doc("b"));
        small.apply("eu.app.c", 3, false, doc("c"));
        small.apply("eu.app.a", 4, true, doc(""));
        small.apply("eu.app.b", 5, true, doc(""));
        small.apply("eu.app.c", 6, true, doc(""));
        assertThat(small.size()).isEqualTo(2);
        assertThat(small.answer("s1", 3, 0).full()).as("tombstone of a (rev 4) is gone").isTrue();
        assertThat(small.answer("s1", 4, 0).full()).isFalse();
        assertThat(small.answer("s1", 4, 0).entries()).extracting(DesiredView.Entry::revision).containsExactly(5L, 6L);
    }

    @Test
    void appDocsAreTheLiveAppEntriesOnly() {
        view.apply("eu.app.web", 1, false, doc("w"));
        view.apply("eu.app.db", 2, false, doc("d"));
        view.apply("eu.site.s1.web", 3, false, doc("o"));
        view.apply("eu.app.db", 4, true, doc(""));
        assertThat(view.appDocs()).extracting(DesiredView.Entry::key).containsExactly("eu.app.web");
    }
}
