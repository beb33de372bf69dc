package io.cascade.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.SiteStatus;
import io.cascade.proto.StatusAck;
import io.cascade.relay.metrics.RelayMetrics;
import io.cascade.topology.Subjects;
import io.cascade.topology.testing.FabricExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.StorageType;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A site with valid credentials that sends garbage on its own subjects: every message is refused
 * and counted per intake and cause, the relay's log gets a bounded number of lines, and no other
 * site's state changes; the relay goes on serving everyone, the misbehaving site included.
 */
class MisbehavingSiteIT {

    @RegisterExtension
    static final FabricExtension FABRIC = FabricExtension.demo();

    static final int PER_INTAKE = 1_000;
    static final String BAD = "gw-eu-0001";
    static final String GOOD = "store-eu-0001";
    static final SimpleMeterRegistry METERS = new SimpleMeterRegistry();
    static Connection hub;
    static Relay relay;

    @BeforeAll
    static void start() throws Exception {
        hub = FABRIC.connectHub();
        hub.keyValueManagement().create(KeyValueConfiguration.builder().name(Subjects.KV_DESIRED)
                .maxHistoryPerKey(1).storageType(StorageType.File).build());
        relay = Relay.start(new RelayConfig("eu", FABRIC.relay("eu").clientUrl(), FABRIC.fleet(),
                FABRIC.relayCredentials("eu")), new RelayMetrics(METERS));
        assertThat(relay.fanout().awaitLoaded(Duration.ofSeconds(10))).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        relay.close();
        hub.close();
    }

    static SiteStatus report(String site, long seq) {
        return SiteStatus.newBuilder().setSite(site).setRegion("eu").setOutboxSequence(seq)
                .addApps(AppStatus.newBuilder().setApp("web").setIntentRevision(1).setState(AppState.READY)).build();
    }

    static double rejected(String intake) {
        return METERS.find("cascade.relay.rejected").tag("intake", intake).counters().stream()
                .mapToDouble(c -> c.count()).sum();
    }

    /** Garbage number {@code i}: mostly random bytes, some truncated reports, a few 2 MiB payloads. */
    static byte[] garbage(Random random, int i) {
        if (i % 100 == 0) {
            byte[] huge = new byte[2 * 1024 * 1024];
            random.nextBytes(huge);
            return huge;
        }
        if (i % 3 == 0) {
            // one byte short: the last field's value is cut (a cut between two fields would still parse)
            byte[] whole = report(BAD, i + 1).toByteArray();
            return Arrays.copyOf(whole, whole.length - 1);
        }
        byte[] noise = new byte[1 + random.nextInt(600)];
        random.nextBytes(noise);
        return noise;
    }

    @Test
    void garbageFromAnAuthorizedSiteIsCountedLogsBoundedAndChangesNothingElse() throws Exception {
        try (Connection good = FABRIC.connectSite("eu", GOOD); Connection bad = FABRIC.connectSite("eu", BAD)) {
            Message ack = good.request(Subjects.status("eu", GOOD), report(GOOD, 1).toByteArray(), Duration.ofSeconds(5));
            assertThat(StatusAck.parseFrom(ack.getData()).getAckedSequence()).isEqualTo(1);
            SiteStatus goodBefore = relay.sites().latest(GOOD).orElseThrow();
            long persistedBefore = relay.statusIntake().persisted();

            PrintStream stderr = System.err;
            ByteArrayOutputStream logged = new ByteArrayOutputStream();
            System.setErr(new PrintStream(new Tee(stderr, logged), true, StandardCharsets.UTF_8));
            try {
                Random random = new Random(42);
                String inbox = bad.createInbox();
                for (int i = 0; i < PER_INTAKE; i++) {
                    bad.publish(Subjects.status("eu", BAD), garbage(random, i));
                    // a sync is answered only when it carries a reply subject: garbage that asks for one
                    bad.publish(Subjects.sync("eu", BAD), inbox, garbage(random, i));
                    if (i % 100 == 99) {
                        bad.flush(Duration.ofSeconds(10));
                    }
                }
                bad.flush(Duration.ofSeconds(10));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    assertThat(rejected("status")).as("status refusals").isGreaterThanOrEqualTo(PER_INTAKE);
                    assertThat(rejected("sync")).as("sync refusals").isGreaterThanOrEqualTo(PER_INTAKE);
                });
            } finally {
                System.setErr(stderr);
            }

            assertThat(rejected("status")).isEqualTo(PER_INTAKE);
            assertThat(rejected("sync")).isEqualTo(PER_INTAKE);
            assertThat(relay.statusIntake().rejected()).isEqualTo(PER_INTAKE);
            long lines = logged.toString(StandardCharsets.UTF_8).lines()
                    .filter(l -> l.contains("WARN") && l.contains("region eu") && (l.contains("status report") || l.contains("sync request")))
                    .count();
            // at most one line per cause per 10 s: 2 intakes x 2 causes, over a run that may pass one interval
            assertThat(lines).as("log lines for %d refused messages", 2 * PER_INTAKE).isBetween(1L, 8L);

            assertThat(relay.sites().latest(BAD)).isEmpty();
            assertThat(relay.sites().latest(GOOD)).contains(goodBefore);
            assertThat(relay.statusIntake().persisted()).isEqualTo(persistedBefore);
            // the relay still serves every site, the misbehaving one included
            Message again = bad.request(Subjects.status("eu", BAD), report(BAD, 1).toByteArray(), Duration.ofSeconds(5));
            assertThat(StatusAck.parseFrom(again.getData()).getAckedSequence()).isEqualTo(1);
            Message goodAgain = good.request(Subjects.status("eu", GOOD), report(GOOD, 2).toByteArray(), Duration.ofSeconds(5));
            assertThat(StatusAck.parseFrom(goodAgain.getData()).getAckedSequence()).isEqualTo(2);
        }
    }

    /** Writes to two streams: the test's log still shows everything while it is counted. */
    static final class Tee extends OutputStream {
        private final OutputStream a;
        private final OutputStream b;

        Tee(OutputStream a, OutputStream b) {
            this.a = a;
            this.b = b;
        }

        @Override
        public synchronized void write(int c) throws java.io.IOException {
            a.write(c);
            b.write(c);
        }

        @Override
        public synchronized void write(byte[] buf, int off, int len) throws java.io.IOException {
            a.write(buf, off, len);
            b.write(buf, off, len);
        }
    }
}
