package io.cascade.relay.status;

import static io.cascade.proto.AppState.APPLYING;
import static io.cascade.proto.AppState.DRIFTED;
import static io.cascade.proto.AppState.FAILED;
import static io.cascade.proto.AppState.PENDING;
import static io.cascade.proto.AppState.READY;
import static io.cascade.relay.status.StatusFixtures.app;
import static io.cascade.relay.status.StatusFixtures.counts;
import static io.cascade.relay.status.StatusFixtures.doc;
import static io.cascade.relay.status.StatusFixtures.entry;
import static io.cascade.relay.status.StatusFixtures.heartbeat;
import static io.cascade.relay.status.StatusFixtures.report;
import static io.cascade.relay.status.StatusFixtures.withHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Timestamp;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.MaintenanceWindow;
import io.cascade.proto.SiteStatus;
import io.cascade.topology.targeting.Waves;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SiteRegistryTest {

    static final Map<String, String> STORE = Map.of("tier", "store");
    static final Map<String, String> LAB = Map.of("tier", "lab");

    final StatusFixtures.TestClock clock = new StatusFixtures.TestClock();
    final SiteRegistry sites = new SiteRegistry("eu", clock);

    /** What the intake does with a report: admit against the latest record, apply unless stale. */
    void submit(SiteStatus report) {
        Admission a = Admission.of(sites.latest(report.getSite()).orElse(null), report);
        if (a.kind() != Admission.Kind.STALE) {
            sites.apply(a.record());
        }
    }

    IntentRollup rollupOf(String app) {
        return sites.snapshot().intents().stream().filter(i -> i.getApp().equals(app)).findFirst().orElseThrow();
    }

    void webTargetsStores() {
        sites.syncDesired(List.of(entry("web", 10, doc("web", 1, STORE, -1))));
    }

    static Stream<Arguments> reportSequences() {
        return Stream.of(
                Arguments.of("first report", List.of(
                        report("s1", 1, STORE, app("web", 1, READY))),
                        "targeted=1 inWave=1 offline=0 notReported=0 r1[ready=1]"),
                Arguments.of("one site walks through its states; only the last counts", List.of(
                        report("s1", 1, STORE, app("web", 1, PENDING)),
                        report("s1", 2, STORE, app("web", 1, APPLYING)),
                        report("s1", 3, STORE, app("web", 1, READY))),
                        "targeted=1 inWave=1 offline=0 notReported=0 r1[ready=1]"),
                Arguments.of("a new revision moves the site out of the old one", List.of(
                        report("s1", 1, STORE, app("web", 1, READY)),
                        report("s2", 1, STORE, app("web", 1, READY)),
                        report("s1", 2, STORE, app("web", 2, APPLYING))),
                        "targeted=2 inWave=2 offline=0 notReported=0 r1[ready=1] r2[applying=1]"),
                Arguments.of("a stale report is not applied", List.of(
                        report("s1", 5, STORE, app("web", 1, READY)),
                        report("s1", 3, STORE, app("web", 1, FAILED, "old"))),
                        "targeted=1 inWave=1 offline=0 notReported=0 r1[ready=1]"),
                Arguments.of("the same sequence again is applied (a resend or an unchanged heartbeat)", List.of(
                        report("s1", 5, STORE, app("web", 1, APPLYING)),
                        report("s1", 5, STORE, app("web", 1, READY))),
                        "targeted=1 inWave=1 offline=0 notReported=0 r1[ready=1]"),
                Arguments.of("a heartbeat keeps the apps of the last full report", List.of(
                        report("s1", 1, STORE, app("web", 1, FAILED, "boom")),
                        heartbeat("s1", 1, STORE)),
                        "targeted=1 inWave=1 offline=0 notReported=0 r1[failed=1]"),
                Arguments.of("a targeted site without the app in its report is not_reported", List.of(
                        report("s1", 1, STORE, app("web", 1, READY)),
                        report("s2", 1, STORE),
                        heartbeat("s3", 1, STORE)),
                        "targeted=3 inWave=3 offline=0 notReported=2 r1[ready=1]"),
                Arguments.of("a full report without the app drops it", List.of(
                        report("s1", 1, STORE, app("web", 1, READY)),
                        report("s1", 2, STORE, app("db", 1, READY))),
                        "targeted=1 inWave=1 offline=0 notReported=1"),
                Arguments.of("a site the doc does not target is not counted", List.of(
                        report("s1", 1, LAB, app("web", 1, READY)),
                        report("s2", 1, STORE, app("web", 1, DRIFTED, "edited"))),
                        "targeted=1 inWave=1 offline=0 notReported=0 r1[drifted=1]"),
                Arguments.of("new labels move a site out of the target and back in", List.of(
                        report("s1", 1, STORE, app("web", 1, READY)),
                        report("s2", 1, STORE, app("web", 1, READY)),
                        report("s1", 2, LAB, app("web", 1, READY)),
                        heartbeat("s2", 2, LAB),
                        heartbeat("s2", 3, STORE)),
                        "targeted=1 inWave=1 offline=0 notReported=0 r1[ready=1]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reportSequences")
    void countsFollowReportSequences(String name, List<SiteStatus> reports, String expected) {
        webTargetsStores();
        reports.forEach(this::submit);
        assertThat(counts(rollupOf("web"))).isEqualTo(expected);
    }

    @Test
    void topErrorsCountFailedAndDriftedMessagesPerRevision() {
        webTargetsStores();
        for (int i = 0; i < 12; i++) {
            String msg = i < 6 ? "image pull failed" : i < 9 ? "quota exceeded" : "error " + i;
            submit(report("s" + i, 1, STORE, app("web", 3, i % 2 == 0 ? FAILED : DRIFTED, msg)));
        }
        submit(report("ok", 1, STORE, app("web", 3, READY, "fine")));
        assertThat(rollupOf("web").getRevisions(0).getTopErrorsList()).extracting(ErrorCount::getMessage, ErrorCount::getCount)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("image pull failed", 6),
                        org.assertj.core.groups.Tuple.tuple("quota exceeded", 3),
                        org.assertj.core.groups.Tuple.tuple("error 10", 1),
                        org.assertj.core.groups.Tuple.tuple("error 11", 1),
                        org.assertj.core.groups.Tuple.tuple("error 9", 1));
        submit(report("s0", 2, STORE, app("web", 3, READY)));
        assertThat(rollupOf("web").getRevisions(0).getTopErrors(0).getCount()).isEqualTo(5);
    }

    @Test
    void aSiteSilentFor3HeartbeatsGoesOfflineAndComesBackWithItsNextReport() {
        webTargetsStores();
        submit(withHeartbeat(report("s1", 1, STORE, app("web", 1, READY)), Duration.ofSeconds(2)));
        submit(report("s2", 1, STORE, app("web", 1, READY)));
        clock.advance(Duration.ofMillis(5_999));
        assertThat(sites.sweep()).isZero();
        clock.advance(Duration.ofMillis(2));
        assertThat(sites.sweep()).isEqualTo(1);
        assertThat(counts(rollupOf("web"))).isEqualTo("targeted=2 inWave=2 offline=1 notReported=0 r1[ready=1]");
        assertThat(sites.snapshot().sitesOffline()).isEqualTo(1);

        submit(withHeartbeat(heartbeat("s1", 1, STORE), Duration.ofSeconds(2)));
        submit(heartbeat("s2", 1, STORE));
        assertThat(counts(rollupOf("web"))).isEqualTo("targeted=2 inWave=2 offline=0 notReported=0 r1[ready=2]");

        clock.advance(Duration.ofSeconds(29));
        assertThat(sites.sweep()).as("s1 (2 s heartbeat) goes; s2 (default 10 s) stays").isEqualTo(1);
        clock.advance(Duration.ofMillis(1_001));
        assertThat(sites.sweep()).isEqualTo(1);
        assertThat(counts(rollupOf("web"))).isEqualTo("targeted=2 inWave=2 offline=2 notReported=0");
        assertThat(sites.snapshot().sitesOnline()).isZero();
    }

    @Test
    void aSiteInsideItsMaintenanceWindowStaysOnlineWhileSilent() {
        webTargetsStores();
        Instant now = clock.instant();
        MaintenanceWindow window = MaintenanceWindow.newBuilder()
                .setStart(Timestamp.newBuilder().setSeconds(now.getEpochSecond()))
                .setEnd(Timestamp.newBuilder().setSeconds(now.plus(Duration.ofMinutes(10)).getEpochSecond())).build();
        submit(report("s1", 1, STORE, app("web", 1, READY)).toBuilder().setMaintenance(window).build());
        clock.advance(Duration.ofMinutes(9));
        assertThat(sites.sweep()).isZero();
        clock.advance(Duration.ofMinutes(2));
        assertThat(sites.sweep()).isEqualTo(1);
        assertThat(rollupOf("web").getOffline()).isEqualTo(1);
    }

    @Test
    void docChangesRecountTargetingAndWaves() {
        for (int i = 0; i < 200; i++) {
            submit(report("site-" + i, 1, i < 150 ? STORE : LAB, app("web", 1, READY)));
        }
        webTargetsStores();
        assertThat(counts(rollupOf("web"))).isEqualTo("targeted=150 inWave=150 offline=0 notReported=0 r1[ready=150]");

        sites.syncDesired(List.of(entry("web", 11, doc("web", 1, STORE, 30))));
        long expectedInWave = java.util.stream.IntStream.range(0, 150).filter(i -> Waves.inWave("site-" + i, "web", 30)).count();
        assertThat((long) rollupOf("web").getInWave()).isEqualTo(expectedInWave).isBetween(20L, 70L);
        assertThat(rollupOf("web").getDesiredRevision()).isEqualTo(11);

        sites.syncDesired(List.of(entry("web", 12, doc("web", 1, Map.of(), -1)), entry("db", 13, doc("db", 1, LAB, -1))));
        assertThat(counts(rollupOf("web"))).isEqualTo("targeted=200 inWave=200 offline=0 notReported=0 r1[ready=200]");
        assertThat(counts(rollupOf("db"))).isEqualTo("targeted=50 inWave=50 offline=0 notReported=50");

        sites.syncDesired(List.of(entry("db", 13, doc("db", 1, LAB, -1))));
        assertThat(sites.snapshot().intents()).extracting(IntentRollup::getApp).containsExactly("db");
    }

    @Test
    void aRestoredSiteIsCountedOnceAndItsNextReportReplacesIt() {
        webTargetsStores();
        sites.restore(List.of(report("s1", 4, STORE, app("web", 1, READY)), report("s2", 2, STORE, app("web", 1, FAILED, "x"))));
        submit(report("s1", 4, STORE, app("web", 1, READY)));
        submit(report("s2", 1, STORE, app("web", 1, READY)));
        assertThat(counts(rollupOf("web"))).isEqualTo("targeted=2 inWave=2 offline=0 notReported=0 r1[ready=1 failed=1]");
        assertThat(sites.sites()).isEqualTo(2);
        assertThat(sites.ready()).as("docs synced and statuses loaded").isTrue();
    }

    @Test
    void oneReportChangesAHandfulOfCountersEvenWith10000Sites() {
        List<String> apps = List.of("web", "db", "cache");
        sites.syncDesired(apps.stream().map(a -> entry(a, 1 + apps.indexOf(a), doc(a, 1, STORE, 50))).toList());
        for (int i = 0; i < 10_000; i++) {
            submit(report("site-" + i, 1, STORE, app("web", 1, READY), app("db", 1, READY), app("cache", 1, APPLYING)));
        }

        long before = sites.counterMutations();
        submit(report("site-42", 2, STORE, app("web", 2, FAILED, "boom"), app("db", 2, APPLYING), app("cache", 1, READY)));
        long oneReport = sites.counterMutations() - before;
        assertThat(oneReport).as("3 apps changed: each -1 and +1 on a state counter, ±1 on an error").isLessThanOrEqualTo(4L * 3);

        before = sites.counterMutations();
        submit(heartbeat("site-43", 1, STORE));
        submit(report("site-44", 1, STORE, app("web", 1, READY), app("db", 1, READY), app("cache", 1, APPLYING)));
        assertThat(sites.counterMutations() - before).as("heartbeat and unchanged report").isZero();

        clock.advance(Duration.ofSeconds(31));
        submit(report("site-45", 2, STORE, app("web", 1, READY), app("db", 1, READY), app("cache", 1, APPLYING)));
        sites.sweep();
        before = sites.counterMutations();
        submit(report("site-46", 2, STORE, app("web", 1, READY), app("db", 1, READY), app("cache", 1, APPLYING)));
        assertThat(sites.counterMutations() - before).as("an offline site coming back: -offline +state per app")
                .isLessThanOrEqualTo(2L * 3);

        assertThat(counts(rollupOf("web"))).startsWith("targeted=10000 ").contains("offline=9998");
    }
}
