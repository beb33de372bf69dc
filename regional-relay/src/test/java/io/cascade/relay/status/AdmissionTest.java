package io.cascade.relay.status;

import static io.cascade.proto.AppState.FAILED;
import static io.cascade.proto.AppState.READY;
import static io.cascade.relay.status.StatusFixtures.app;
import static io.cascade.relay.status.StatusFixtures.heartbeat;
import static io.cascade.relay.status.StatusFixtures.report;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.cascade.proto.AppStatus;
import io.cascade.proto.SiteStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdmissionTest {

    static final Map<String, String> STORE = Map.of("tier", "store");

    @Test
    void aFirstReportIsRecorded() {
        Admission a = Admission.of(null, report("s1", 1, STORE, app("web", 1, READY)));
        assertThat(a.kind()).isEqualTo(Admission.Kind.RECORD);
    }

    @Test
    void aLowerOutboxSequenceIsStaleAndKeepsThePreviousRecord() {
        SiteStatus previous = report("s1", 7, STORE, app("web", 1, READY));
        Admission a = Admission.of(previous, report("s1", 6, STORE, app("web", 1, FAILED, "old")));
        assertThat(a.kind()).isEqualTo(Admission.Kind.STALE);
        assertThat(a.record()).isSameAs(previous);
    }

    @Test
    void aHeartbeatWithALowerSequenceIsStillASignOfLife() {
        SiteStatus previous = report("s1", 7, STORE, app("web", 1, READY))
                .toBuilder().setReportedAt(Timestamp.newBuilder().setSeconds(10)).build();
        SiteStatus beat = heartbeat("s1", 0, STORE).toBuilder().setReportedAt(Timestamp.newBuilder().setSeconds(20)).build();
        Admission a = Admission.of(previous, beat);
        assertThat(a.kind()).isEqualTo(Admission.Kind.REFRESH);
        assertThat(a.record().getOutboxSequence()).isEqualTo(7);
        assertThat(a.record().getReportedAt().getSeconds()).isEqualTo(20);
        assertThat(a.record().getAppsList()).extracting(AppStatus::getApp).containsExactly("web");
    }

    @Test
    void aLowerSequenceReportedLaterIsAJournalThatStartedOver() {
        SiteStatus previous = report("s1", 7, STORE, app("web", 1, READY))
                .toBuilder().setReportedAt(Timestamp.newBuilder().setSeconds(10)).build();
        SiteStatus fresh = report("s1", 1, STORE, app("web", 2, READY))
                .toBuilder().setReportedAt(Timestamp.newBuilder().setSeconds(30)).build();
        Admission a = Admission.of(previous, fresh);
        assertThat(a.kind()).isEqualTo(Admission.Kind.RECORD);
        assertThat(a.record()).isEqualTo(fresh);
    }

    @Test
    void aHeartbeatKeepsTheAppsAndTakesTheRest() {
        SiteStatus previous = report("s1", 7, STORE, app("web", 1, READY));
        SiteStatus beat = heartbeat("s1", 7, Map.of("tier", "store", "zone", "b"))
                .toBuilder().setReportedAt(Timestamp.newBuilder().setSeconds(99)).build();
        Admission a = Admission.of(previous, beat);
        assertThat(a.kind()).as("labels changed").isEqualTo(Admission.Kind.RECORD);
        assertThat(a.record().getAppsList()).extracting(AppStatus::getApp).containsExactly("web");
        assertThat(a.record().getHeartbeatOnly()).isFalse();
        assertThat(a.record().getLabelsMap()).containsEntry("zone", "b");
        assertThat(a.record().getReportedAt().getSeconds()).isEqualTo(99);
    }

    @Test
    void aHeartbeatThatChangesNothingButTheClockIsOnlyARefresh() {
        SiteStatus previous = report("s1", 7, STORE, app("web", 1, READY));
        SiteStatus beat = heartbeat("s1", 7, STORE).toBuilder().setReportedAt(Timestamp.newBuilder().setSeconds(5)).build();
        assertThat(Admission.of(previous, beat).kind()).isEqualTo(Admission.Kind.REFRESH);
        assertThat(Admission.of(previous, previous).kind()).as("a resend").isEqualTo(Admission.Kind.REFRESH);
        assertThat(Admission.of(previous, heartbeat("s1", 8, STORE)).kind()).as("a newer sequence").isEqualTo(Admission.Kind.RECORD);
    }

    @Test
    void problemsNameWhatIsWrong() {
        assertThat(Admission.problem("eu", "s1", report("s1", 1, STORE, app("web", 1, READY)))).isEmpty();
        assertThat(Admission.problem("eu", "s2", report("s1", 1, STORE))).get().asString()
                .contains("subject of site s2 names site \"s1\"");
        assertThat(Admission.problem("us", "s1", report("s1", 1, STORE))).get().asString().contains("names region \"eu\", not us");
        assertThat(Admission.problem("eu", "S_1", report("S_1", 1, STORE))).get().asString().contains("not a DNS label");
        assertThat(Admission.problem("eu", "s1", report("s1", 1, STORE, app("web", 1, READY), app("web", 2, READY))))
                .get().asString().contains("reports app \"web\" twice");
        assertThat(Admission.problem("eu", "s1", report("s1", 1, STORE,
                AppStatus.newBuilder().setApp("web").setIntentRevision(3).build())))
                .get().asString().contains("app web revision 3 has no valid state");
    }
}
