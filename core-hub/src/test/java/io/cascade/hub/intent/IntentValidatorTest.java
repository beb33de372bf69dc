package io.cascade.hub.intent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.cascade.hub.testing.SampleIntents;
import io.cascade.proto.Bundle;
import io.cascade.proto.Intent;
import io.cascade.proto.Resource;
import io.cascade.topology.fleet.Fleets;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IntentValidatorTest {

    private final IntentValidator validator = new IntentValidator(Fleets.demo(), io.cascade.hub.sites.SiteLookup.of(Fleets.demo()), 8L * 1024 * 1024);

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.cascade.hub.testing.SampleIntents#invalid")
    void rejectsWithAMessageNamingTheField(String name, Intent intent, String message) {
        assertThatThrownBy(() -> validator.validate(intent))
                .isInstanceOfSatisfying(IntentException.class, e -> assertThat(e.reason()).isEqualTo(IntentException.Reason.INVALID))
                .hasMessage(message);
    }

    @Test
    void fillsInTheSha256OfEveryResource() throws Exception {
        Intent intent = SampleIntents.valid("web")
                .setBundle(Bundle.newBuilder().setVersion("1")
                        .addResources(SampleIntents.manifest("ConfigMap", null, "settings", "kind: ConfigMap"))
                        .addResources(Resource.newBuilder().setKind("File").setName("bin/tool")
                                .setData(ByteString.copyFrom(new byte[] {0, 1, 2}))))
                .addOverrides(SampleIntents.override("eu", "store-eu-0001", "ip", "10.0.0.1").toBuilder()
                        .addResources(SampleIntents.manifest("ConfigMap", null, "settings", "site")))
                .build();

        Intent stored = validator.validate(intent);

        assertThat(stored.getBundle().getResources(0).getSha256()).isEqualTo(sha256("kind: ConfigMap".getBytes(StandardCharsets.UTF_8)));
        assertThat(stored.getBundle().getResources(1).getSha256()).isEqualTo(sha256(new byte[] {0, 1, 2}));
        assertThat(stored.getOverrides(0).getResources(0).getSha256()).isEqualTo(sha256("site".getBytes(StandardCharsets.UTF_8)));
        assertThat(stored.toBuilder().setBundle(intent.getBundle()).setOverrides(0, intent.getOverrides(0)).build())
                .as("nothing else changes").isEqualTo(intent);
    }

    @Test
    void acceptsTheRightSha256AndRejectsAWrongOne() throws Exception {
        String right = sha256("a".getBytes(StandardCharsets.UTF_8));
        Resource resource = SampleIntents.manifest("ConfigMap", null, "settings", "a");
        Intent correct = SampleIntents.valid("web").setBundle(Bundle.newBuilder().setVersion("1")
                .addResources(resource.toBuilder().setSha256(right.toUpperCase()))).build();
        assertThat(validator.validate(correct).getBundle().getResources(0).getSha256()).isEqualTo(right);

        Intent wrong = SampleIntents.valid("web").setBundle(Bundle.newBuilder().setVersion("1")
                .addResources(resource.toBuilder().setSha256("abc"))).build();
        assertThatThrownBy(() -> validator.validate(wrong)).hasMessage("bundle.resources[0].sha256: \"abc\" is not the "
                + "SHA-256 of the content (" + right + "); leave it empty and the hub fills it in");
    }

    @Test
    void listsEveryProblemAtOnce() {
        Intent intent = SampleIntents.valid("Web").setBundle(SampleIntents.bundle("").toBuilder())
                .setRollout(SampleIntents.waves(60, 30, 100)).build();
        assertThatThrownBy(() -> validator.validate(intent)).hasMessage("the intent has 3 problems: "
                + "app: \"Web\" is not a DNS label: use 1 to 63 lower-case letters, digits or '-', starting and ending with a letter or digit; "
                + "bundle.version: required: a version label such as \"1.4.2\" or a git SHA; "
                + "rollout.waves[1] is 30 but must be larger than waves[0] (60)");
    }

    @Test
    void aLongListOfProblemsIsCutAfterTheFirstTen() {
        Bundle.Builder bundle = Bundle.newBuilder().setVersion("1");
        for (int i = 0; i < 25; i++) {
            bundle.addResources(SampleIntents.manifest("ConfigMap", null, "same", "x"));
        }
        assertThatThrownBy(() -> validator.validate(SampleIntents.valid("web").setBundle(bundle).build()))
                .hasMessageStartingWith("the intent has 24 problems: bundle.resources[1]: duplicate resource ConfigMap same "
                        + "(same as bundle.resources[0]); bundle.resources[2]: ")
                .hasMessageEndingWith("bundle.resources[10]: duplicate resource ConfigMap same (same as bundle.resources[0]); "
                        + "and 14 more");
    }

    @Test
    void aBundleJustUnderOneMebibytePasses() throws Exception {
        Intent intent = SampleIntents.valid("big").setBundle(Bundle.newBuilder().setVersion("1")
                .addResources(Resource.newBuilder().setKind("File").setName("blob.bin")
                        .setData(ByteString.copyFrom(new byte[1024 * 1024 - 200])))).build();
        assertThat(validator.validate(intent).getBundle().getSerializedSize()).isLessThanOrEqualTo(1024 * 1024);
    }

    @Test
    void anIntentOverTheServersMaxPayloadIsRejected() {
        IntentValidator small = new IntentValidator(Fleets.demo(), io.cascade.hub.sites.SiteLookup.of(Fleets.demo()), 1000);
        Intent intent = SampleIntents.valid("web").setBundle(Bundle.newBuilder().setVersion("1")
                .addResources(SampleIntents.manifest("ConfigMap", null, "settings", "x".repeat(2000)))).build();
        assertThatThrownBy(() -> small.validate(intent)).hasMessageStartingWith("intent: serialized size is ")
                .hasMessageEndingWith(" bytes, over the 1000 bytes the hub's nats-server takes in one message (max_payload); "
                        + "shrink the bundle or the overrides");
    }

    @Test
    void filePathsStayInsideTheProviderDirectory() {
        Intent intent = SampleIntents.valid("files").setBundle(Bundle.newBuilder().setVersion("1")
                .addResources(SampleIntents.manifest("File", null, "../etc/passwd", "x"))).build();
        assertThatThrownBy(() -> validator.validate(intent)).hasMessage("bundle.resources[0].name: a File's name is a path "
                + "inside the provider's directory: no leading '/' and no '..' segments, found \"../etc/passwd\"");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
