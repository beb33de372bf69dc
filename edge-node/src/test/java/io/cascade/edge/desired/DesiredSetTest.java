package io.cascade.edge.desired;

import static io.cascade.proto.LabelRequirement.Operator.DOES_NOT_EXIST;
import static io.cascade.proto.LabelRequirement.Operator.EXISTS;
import static io.cascade.proto.LabelRequirement.Operator.IN;
import static io.cascade.proto.LabelRequirement.Operator.NOT_IN;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.cascade.edge.journal.DesiredEntry;
import io.cascade.edge.provider.AppDesired;
import io.cascade.proto.Bundle;
import io.cascade.proto.DesiredDoc;
import io.cascade.proto.LabelRequirement;
import io.cascade.proto.LabelSelector;
import io.cascade.proto.Release;
import io.cascade.proto.Resource;
import io.cascade.proto.RolloutState;
import io.cascade.proto.SiteOverrideDoc;
import io.cascade.proto.Target;
import io.cascade.topology.targeting.Waves;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What a site runs, from the desired docs in its journal. */
class DesiredSetTest {

    private static final Map<String, String> STORE_LABELS = Map.of("tier", "store", "env", "prod", "gpu", "a100");
    private static final Release STABLE = release(5, "1.0", manifest("Deployment", "web", "image: web:1.0"));
    private static final Release CANDIDATE = release(9, "2.0", manifest("Deployment", "web", "image: web:2.0"));

    static Stream<Arguments> targeting() {
        return Stream.of(
                Arguments.of("no target: every site", Target.getDefaultInstance(), true),
                Arguments.of("matchLabels match", target(Map.of("tier", "store"), List.of()), true),
                Arguments.of("matchLabels miss", target(Map.of("tier", "gateway"), List.of()), false),
                Arguments.of("matchLabels on a missing label", target(Map.of("rack", "r1"), List.of()), false),
                Arguments.of("In match", target(Map.of(), List.of(req("env", IN, "prod", "stage"))), true),
                Arguments.of("In miss", target(Map.of(), List.of(req("env", IN, "dev"))), false),
                Arguments.of("NotIn match", target(Map.of(), List.of(req("env", NOT_IN, "dev"))), true),
                Arguments.of("NotIn miss", target(Map.of(), List.of(req("env", NOT_IN, "prod"))), false),
                Arguments.of("Exists match", target(Map.of(), List.of(req("gpu", EXISTS))), true),
                Arguments.of("DoesNotExist miss", target(Map.of(), List.of(req("gpu", DOES_NOT_EXIST))), false),
                Arguments.of("labels and expressions all hold", target(Map.of("tier", "store"),
                        List.of(req("legacy", DOES_NOT_EXIST))), true),
                Arguments.of("region listed", Target.newBuilder().addRegions("us").addRegions("eu").build(), true),
                Arguments.of("region not listed", Target.newBuilder().addRegions("us").build(), false),
                Arguments.of("selector matches, region does not",
                        target(Map.of("tier", "store"), List.of()).toBuilder().addRegions("apac").build(), false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targeting")
    void targetDecidesWhetherTheSiteRunsTheApp(String name, Target target, boolean runs) {
        DesiredDoc doc = stableDoc("web").setTarget(target).build();

        Map<String, AppDesired> apps =
                DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal(appEntry("eu", "web", 100, doc)));

        if (runs) {
            assertThat(apps).containsOnlyKeys("web");
            assertThat(apps.get("web").intentRevision()).isEqualTo(5);
            assertThat(apps.get("web").version()).isEqualTo("1.0");
        } else {
            assertThat(apps).isEmpty();
        }
    }

    /** Sites on either side of a 30% wave of app "web", picked by their bucket. */
    private static final String INSIDE = siteWithBucket("web", bucket -> bucket < 3000);
    private static final String OUTSIDE = siteWithBucket("web", bucket -> bucket >= 3000);

    static Stream<Arguments> waves() {
        DesiredDoc rolling = stableDoc("web").setCandidate(CANDIDATE).setWavePercent(30)
                .setRolloutState(RolloutState.ROLLING_OUT).build();
        DesiredDoc newApp = rolling.toBuilder().clearStable().build();
        return Stream.of(
                Arguments.of("no rollout: stable", INSIDE, stableDoc("web").build(), 5L),
                Arguments.of("candidate, site inside the wave: candidate", INSIDE, rolling, 9L),
                Arguments.of("candidate, site outside the wave: stable", OUTSIDE, rolling, 5L),
                Arguments.of("paused keeps the wave", INSIDE,
                        rolling.toBuilder().setRolloutState(RolloutState.PAUSED).build(), 9L),
                Arguments.of("wave 0: nobody takes the candidate", INSIDE, rolling.toBuilder().setWavePercent(0).build(), 5L),
                Arguments.of("wave 100: everybody takes it", OUTSIDE, rolling.toBuilder().setWavePercent(100).build(), 9L),
                Arguments.of("new app, site inside the first wave: candidate", INSIDE, newApp, 9L),
                Arguments.of("new app, site outside the first wave: nothing", OUTSIDE, newApp, null),
                Arguments.of("no release at all: nothing", INSIDE, DesiredDoc.newBuilder().setApp("web").build(), null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("waves")
    void waveDecidesBetweenCandidateAndStable(String name, String site, DesiredDoc doc, Long expectedRevision) {
        Map<String, AppDesired> apps =
                DesiredSet.evaluate(site, "eu", STORE_LABELS, journal(appEntry("eu", "web", 100, doc)));

        if (expectedRevision == null) {
            assertThat(apps).isEmpty();
        } else {
            assertThat(apps.get("web").intentRevision()).isEqualTo(expectedRevision);
            assertThat(apps.get("web").resources()).singleElement()
                    .extracting(Resource::getManifest)
                    .isEqualTo(expectedRevision == 9 ? "image: web:2.0" : "image: web:1.0");
        }
    }

    @Test
    void overrideReplacesAddsAndFillsInPlaceholders() {
        Release release = release(5, "1.0",
                manifest("Deployment", "web", "image: web:1.0\nenv: ${env}\nip: ${ip}"),
                manifest("ConfigMap", "web-config", "url: http://${ip}:${port}/"),
                manifest("Service", "web", "port: 80"),
                Resource.newBuilder().setKind("File").setName("logo.bin")
                        .setData(ByteString.copyFromUtf8("${ip}")).build());
        SiteOverrideDoc override = SiteOverrideDoc.newBuilder().setRegion("eu").setSite("store-1").setApp("web")
                .putValues("ip", "10.0.0.7").putValues("env", "$prod\\1")
                .addResources(manifest("Service", "web", "port: 8080"))
                .addResources(manifest("Secret", "web-tls", "cert: ${ip}.pem"))
                .build();
        Map<String, DesiredEntry> journal = journal(appEntry("eu", "web", 100, docWith(release)),
                siteEntry("eu", "store-1", "web", 101, override),
                siteEntry("eu", "store-2", "web", 102, override.toBuilder().putValues("ip", "10.0.0.8").build()));

        AppDesired web = DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal).get("web");

        assertThat(web.resources()).extracting(r -> r.getKind() + "/" + r.getName() + ": "
                        + (r.hasManifest() ? r.getManifest() : "data " + r.getData().toStringUtf8()))
                .containsExactly(
                        "ConfigMap/web-config: url: http://10.0.0.7:${port}/",
                        "Deployment/web: image: web:1.0\nenv: $prod\\1\nip: 10.0.0.7",
                        "File/logo.bin: data ${ip}",
                        "Secret/web-tls: cert: 10.0.0.7.pem",
                        "Service/web: port: 8080");
        assertThat(web.resources()).allSatisfy(r -> assertThat(r.getSha256()).isEqualTo(sha256(r)));
        assertThat(DesiredSet.evaluate("store-2", "eu", STORE_LABELS, journal).get("web").resources())
                .extracting(Resource::getManifest).contains("cert: 10.0.0.8.pem");
    }

    @Test
    void overrideMatchesOnKindNamespaceAndName() {
        Release release = release(5, "1.0", manifest("ConfigMap", "cfg", "a: 1").toBuilder().setNamespace("ops").build(),
                manifest("ConfigMap", "cfg", "a: 2"));
        SiteOverrideDoc override = SiteOverrideDoc.newBuilder()
                .addResources(manifest("ConfigMap", "cfg", "a: 3").toBuilder().setNamespace("ops").build()).build();

        AppDesired web = DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal(appEntry("eu", "web", 100, docWith(release)),
                siteEntry("eu", "store-1", "web", 101, override))).get("web");

        assertThat(web.resources()).extracting(r -> r.getNamespace() + "/" + r.getManifest())
                .containsExactly("/a: 2", "ops/a: 3");
    }

    @Test
    void overrideOfAnAppTheSiteDoesNotRunAddsNothing() {
        SiteOverrideDoc override = SiteOverrideDoc.newBuilder().addResources(manifest("ConfigMap", "cfg", "x")).build();
        DesiredDoc notForStores = stableDoc("web").setTarget(target(Map.of("tier", "gateway"), List.of())).build();

        assertThat(DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal(appEntry("eu", "web", 100, notForStores),
                siteEntry("eu", "store-1", "web", 101, override), siteEntry("eu", "store-1", "db", 102, override)))).isEmpty();
    }

    @Test
    void docsOfOtherRegionsAreIgnored() {
        assertThat(DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal(appEntry("us", "web", 100, stableDoc("web").build()),
                appEntry("eu", "db", 101, stableDoc("db").build())))).containsOnlyKeys("db");
    }

    static Stream<Arguments> hashChanges() {
        Resource web = manifest("Deployment", "web", "image: web:1.0");
        return Stream.of(
                Arguments.of("content", web.toBuilder().setManifest("image: web:1.1").build(), false),
                Arguments.of("name", web.toBuilder().setName("web2").build(), false),
                Arguments.of("kind", web.toBuilder().setKind("StatefulSet").build(), false),
                Arguments.of("namespace set", web.toBuilder().setNamespace("ops").build(), false),
                Arguments.of("same bytes as data", web.toBuilder().setData(ByteString.copyFromUtf8("image: web:1.0")).build(), false),
                Arguments.of("a wrong sha256 from the doc", web.toBuilder().setSha256("00".repeat(32)).build(), true));
    }

    @ParameterizedTest(name = "changed {0}: same hash {2}")
    @MethodSource("hashChanges")
    void hashFollowsTheContentAndNothingElse(String name, Resource changed, boolean sameHash) {
        Resource cfg = manifest("ConfigMap", "cfg", "a: 1");
        String before = hashOf(release(5, "1.0", manifest("Deployment", "web", "image: web:1.0"), cfg));
        String after = hashOf(release(5, "1.0", changed, cfg));

        assertThat(after.equals(before)).isEqualTo(sameHash);
        assertThat(after).matches("[0-9a-f]{64}");
    }

    @Test
    void hashIgnoresOrderVersionAndRevision() {
        List<Resource> resources = IntStream.range(0, 6)
                .mapToObj(i -> manifest(i % 2 == 0 ? "ConfigMap" : "Secret", "r" + i, "v: " + i)).toList();
        String forward = hashOf(release(5, "1.0", resources.toArray(Resource[]::new)));
        String backward = hashOf(release(6, "1.0-republished", resources.reversed().toArray(Resource[]::new)));

        assertThat(backward).isEqualTo(forward);
    }

    @Test
    void hashCoversSubstitutedValues() {
        Release release = release(5, "1.0", manifest("ConfigMap", "cfg", "ip: ${ip}"));
        SiteOverrideDoc one = SiteOverrideDoc.newBuilder().putValues("ip", "10.0.0.1").build();
        SiteOverrideDoc two = SiteOverrideDoc.newBuilder().putValues("ip", "10.0.0.2").build();

        assertThat(SiteOverlay.apply("web", release, one).contentHash())
                .isNotEqualTo(SiteOverlay.apply("web", release, two).contentHash())
                .isNotEqualTo(SiteOverlay.apply("web", release, null).contentHash());
    }

    static Stream<Arguments> unusableDocs() {
        return Stream.of(
                Arguments.of("invalid label key", stableDoc("bad").setTarget(target(Map.of("Tier!", "store"), List.of())).build(),
                        "invalid target: matchLabels: label key \"Tier!\" is invalid"),
                Arguments.of("operator unset", stableDoc("bad").setTarget(target(Map.of(),
                        List.of(LabelRequirement.newBuilder().setKey("env").addValues("prod").build()))).build(),
                        "invalid target: requirement on \"env\" needs an operator"),
                Arguments.of("Exists with values", stableDoc("bad").setTarget(target(Map.of(),
                        List.of(req("gpu", EXISTS, "a100")))).build(),
                        "invalid target: requirement \"gpu\" Exists takes no values"),
                Arguments.of("blank region", stableDoc("bad").setTarget(Target.newBuilder().addRegions(" ")).build(),
                        "invalid target: target regions: a region id must be non-empty"),
                Arguments.of("wave over 100", stableDoc("bad").setCandidate(CANDIDATE).setWavePercent(150).build(),
                        "wave_percent is 150, must be 0..100"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("unusableDocs")
    void unusableDocIsSkippedWithAWarningAndOthersStillRun(String name, DesiredDoc bad, String problem) {
        Map<String, DesiredEntry> journal =
                journal(appEntry("eu", "bad", 77, bad), appEntry("eu", "web", 78, stableDoc("web").build()));

        Map<String, AppDesired>[] apps = new Map[1];
        String stderr = stderrOf(() -> apps[0] = DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal));

        assertThat(apps[0]).containsOnlyKeys("web");
        assertThat(stderr.lines().filter(line -> line.contains("WARN")).toList()).singleElement().asString()
                .contains("site store-1 (region eu): app bad skipped at desired revision 77 (intent revision 5): " + problem);
    }

    @Test
    void unparseableDocIsSkippedWithAWarning() {
        Map<String, DesiredEntry> journal = journal(new DesiredEntry("eu.app.bad", 77, new byte[] {(byte) 0xff, 0x01}));

        String stderr = stderrOf(() -> assertThat(DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal)).isEmpty());

        assertThat(stderr).contains("site store-1 (region eu): app bad skipped at desired revision 77",
                "its desired doc cannot be parsed");
    }

    // ---- fixtures ----

    private static String hashOf(Release release) {
        return DesiredSet.evaluate("store-1", "eu", STORE_LABELS, journal(appEntry("eu", "web", 1, docWith(release))))
                .get("web").contentHash();
    }

    private static DesiredDoc.Builder stableDoc(String app) {
        return DesiredDoc.newBuilder().setApp(app).setRegion("eu").setIntentRevision(5).setStable(STABLE)
                .setRolloutState(RolloutState.STABLE);
    }

    private static DesiredDoc docWith(Release stable) {
        return stableDoc("web").setStable(stable).build();
    }

    private static Release release(long intentRevision, String version, Resource... resources) {
        return Release.newBuilder().setIntentRevision(intentRevision)
                .setBundle(Bundle.newBuilder().setVersion(version).addAllResources(List.of(resources))).build();
    }

    private static Resource manifest(String kind, String name, String text) {
        return Resource.newBuilder().setKind(kind).setName(name).setManifest(text).build();
    }

    private static Target target(Map<String, String> matchLabels, List<LabelRequirement> expressions) {
        return Target.newBuilder().setSelector(LabelSelector.newBuilder().putAllMatchLabels(matchLabels)
                .addAllMatchExpressions(expressions)).build();
    }

    private static LabelRequirement req(String key, LabelRequirement.Operator op, String... values) {
        return LabelRequirement.newBuilder().setKey(key).setOperator(op).addAllValues(List.of(values)).build();
    }

    private static DesiredEntry appEntry(String region, String app, long revision, DesiredDoc doc) {
        return new DesiredEntry(region + ".app." + app, revision, doc.toByteArray());
    }

    private static DesiredEntry siteEntry(String region, String site, String app, long revision, SiteOverrideDoc doc) {
        return new DesiredEntry(region + ".site." + site + "." + app, revision, doc.toByteArray());
    }

    private static Map<String, DesiredEntry> journal(DesiredEntry... entries) {
        Map<String, DesiredEntry> journal = new LinkedHashMap<>();
        for (DesiredEntry entry : entries) {
            journal.put(entry.key(), entry);
        }
        return journal;
    }

    private static String siteWithBucket(String app, IntPredicate bucket) {
        return IntStream.range(0, 10_000).mapToObj(i -> "store-" + i)
                .filter(site -> bucket.test(Waves.bucket(site, app))).findFirst().orElseThrow();
    }

    private static String sha256(Resource resource) {
        try {
            byte[] content = resource.hasManifest() ? resource.getManifest().getBytes(UTF_8)
                    : resource.getData().toByteArray();
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** What {@code action} logs: slf4j-simple writes to whatever System.err is at the time. */
    private static String stderrOf(Runnable action) {
        PrintStream original = System.err;
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buffer, true, UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(original);
        }
        original.print(buffer.toString(UTF_8));
        return buffer.toString(UTF_8);
    }
}
