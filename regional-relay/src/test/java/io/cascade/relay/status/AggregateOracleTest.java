package io.cascade.relay.status;

import static io.cascade.relay.status.StatusFixtures.app;
import static io.cascade.relay.status.StatusFixtures.doc;
import static io.cascade.relay.status.StatusFixtures.entry;
import static io.cascade.relay.status.StatusFixtures.heartbeat;
import static io.cascade.relay.status.StatusFixtures.report;
import static io.cascade.relay.status.StatusFixtures.withHeartbeat;
import static org.assertj.core.api.Assertions.assertThat;

import io.cascade.proto.AppState;
import io.cascade.proto.AppStatus;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.ErrorCount;
import io.cascade.proto.IntentRollup;
import io.cascade.proto.RevisionRollup;
import io.cascade.proto.SiteStatus;
import io.cascade.relay.fanout.DesiredView;
import io.cascade.topology.targeting.ProtoTargets;
import io.cascade.topology.targeting.Waves;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The incremental counts equal a recount from scratch after every step of a long random run of
 * reports, heartbeats, stale reports, silences, sweeps, label changes and doc changes.
 */
class AggregateOracleTest {

    static final List<String> APPS = List.of("web", "db", "cache");
    static final List<String> TIERS = List.of("store", "lab", "edge");
    static final AppState[] STATES = {AppState.PENDING, AppState.APPLYING, AppState.READY, AppState.FAILED, AppState.DRIFTED};

    final StatusFixtures.TestClock clock = new StatusFixtures.TestClock();
    final SiteRegistry sites = new SiteRegistry("eu", clock);
    final Random random = new Random(20300101);
    final Map<String, DesiredView.Entry> docs = new TreeMap<>();
    final Map<String, Long> sequences = new HashMap<>();
    long desiredRevision;

    @Test
    void incrementalCountsEqualARecountAfterEveryStep() {
        for (String a : APPS) {
            putDoc(a);
        }
        for (int step = 0; step < 3_000; step++) {
            int op = random.nextInt(100);
            if (op < 60) {
                sendReport();
            } else if (op < 75) {
                String site = site();
                submit(withHeartbeat(heartbeat(site, sequences.getOrDefault(site, 0L), labels()), interval()));
            } else if (op < 80) {
                String site = site();
                submit(report(site, Math.max(0, sequences.getOrDefault(site, 0L) - 1), labels(), apps()));
            } else if (op < 92) {
                clock.advance(Duration.ofMillis(random.nextInt(4_000)));
                sites.sweep();
            } else if (op < 97) {
                putDoc(APPS.get(random.nextInt(APPS.size())));
            } else {
                String app = APPS.get(random.nextInt(APPS.size()));
                if (docs.size() > 1) {
                    docs.remove(app);
                    sites.syncDesired(docs.values());
                }
            }
            assertThat(sites.snapshot().intents()).as("after step %d", step).isEqualTo(recount());
        }
        assertThat(sites.sites()).isGreaterThan(100);
        assertThat(sites.sitesOnline()).isLessThan(sites.sites());
    }

    void submit(SiteStatus report) {
        Admission a = Admission.of(sites.latest(report.getSite()).orElse(null), report);
        if (a.kind() != Admission.Kind.STALE) {
            sites.apply(a.record());
        }
    }

    void sendReport() {
        String site = site();
        long seq = sequences.merge(site, 1L, Long::sum);
        submit(withHeartbeat(report(site, seq, labels(), apps()), interval()));
    }

    String site() {
        return "site-" + random.nextInt(150);
    }

    Map<String, String> labels() {
        return Map.of("tier", TIERS.get(random.nextInt(TIERS.size())));
    }

    Duration interval() {
        return random.nextBoolean() ? Duration.ofSeconds(1 + random.nextInt(5)) : Duration.ZERO;
    }

    AppStatus[] apps() {
        List<AppStatus> out = new ArrayList<>();
        for (String a : APPS) {
            if (random.nextInt(4) > 0) {
                AppState state = STATES[random.nextInt(STATES.length)];
                out.add(app(a, 1 + random.nextInt(3), state, random.nextBoolean() ? "" : "error " + random.nextInt(8)));
            }
        }
        return out.toArray(AppStatus[]::new);
    }

    void putDoc(String app) {
        Map<String, String> match = random.nextBoolean() ? Map.of() : Map.of("tier", TIERS.get(random.nextInt(TIERS.size())));
        int wave = random.nextBoolean() ? -1 : random.nextInt(101);
        docs.put(app, entry(app, ++desiredRevision, doc(app, 1, match, wave)));
        sites.syncDesired(docs.values());
    }

    /** The counts recomputed from every site the registry knows, the docs, and the rules in SiteRegistry's javadoc. */
    List<IntentRollup> recount() {
        List<SiteRegistry.SiteView> all = sites.scan("", v -> true, Integer.MAX_VALUE);
        List<IntentRollup> out = new ArrayList<>();
        for (DesiredView.Entry e : docs.values()) {
            String app = e.chain().appName();
            DesiredDoc d = parse(e);
            var target = ProtoTargets.target(d.getTarget());
            int targeted = 0, inWave = 0, offline = 0, notReported = 0;
            TreeMap<Long, int[]> states = new TreeMap<>();
            TreeMap<Long, Map<String, Integer>> errors = new TreeMap<>();
            for (SiteRegistry.SiteView v : all) {
                if (!target.matches("eu", v.status().getLabelsMap())) {
                    continue;
                }
                targeted++;
                if (!d.hasCandidate() || Waves.inWave(v.site(), app, d.getWavePercent())) {
                    inWave++;
                }
                AppStatus line = v.status().getAppsList().stream().filter(a -> a.getApp().equals(app)).findFirst().orElse(null);
                if (!v.online()) {
                    offline++;
                } else if (line == null) {
                    notReported++;
                } else {
                    states.computeIfAbsent(line.getIntentRevision(), r -> new int[6])[line.getStateValue()]++;
                    boolean error = line.getState() == AppState.FAILED || line.getState() == AppState.DRIFTED;
                    if (error && !line.getMessage().isEmpty()) {
                        errors.computeIfAbsent(line.getIntentRevision(), r -> new HashMap<>()).merge(line.getMessage(), 1, Integer::sum);
                    }
                }
            }
            IntentRollup.Builder b = IntentRollup.newBuilder().setApp(app).setDesiredRevision(e.revision())
                    .setTargeted(targeted).setInWave(inWave).setOffline(offline).setNotReported(notReported);
            states.forEach((rev, s) -> b.addRevisions(RevisionRollup.newBuilder().setIntentRevision(rev)
                    .setPending(s[1]).setApplying(s[2]).setReady(s[3]).setFailed(s[4]).setDrifted(s[5])
                    .addAllTopErrors(errors.getOrDefault(rev, Map.of()).entrySet().stream()
                            .sorted(Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue).reversed()
                                    .thenComparing(Map.Entry::getKey))
                            .limit(5)
                            .map(x -> ErrorCount.newBuilder().setMessage(x.getKey()).setCount(x.getValue()).build())
                            .toList())));
            out.add(b.build());
        }
        return out;
    }

    static DesiredDoc parse(DesiredView.Entry e) {
        try {
            return DesiredDoc.parseFrom(e.doc());
        } catch (com.google.protobuf.InvalidProtocolBufferException x) {
            throw new AssertionError(x);
        }
    }
}
