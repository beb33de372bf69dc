package io.cascade.hub.testing;

import com.google.protobuf.ByteString;
import io.cascade.proto.Bundle;
import io.cascade.proto.Intent;
import io.cascade.proto.IntentMetadata;
import io.cascade.proto.LabelRequirement;
import io.cascade.proto.LabelSelector;
import io.cascade.proto.Resource;
import io.cascade.proto.RolloutPolicy;
import io.cascade.proto.SiteOverride;
import io.cascade.proto.Target;
import io.cascade.proto.Wave;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/**
 * Intents for the demo fleet (regions eu and us; sites store-eu-0001, store-eu-0002, gw-eu-0001,
 * store-us-0001, store-us-0002, gw-us-0001): a valid one to vary, and every kind of invalid one with the
 * message the hub must answer.
 */
public final class SampleIntents {

    private SampleIntents() {}

    public static Resource manifest(String kind, String namespace, String name, String text) {
        Resource.Builder resource = Resource.newBuilder().setKind(kind).setName(name).setManifest(text);
        if (namespace != null) {
            resource.setNamespace(namespace);
        }
        return resource.build();
    }

    public static Bundle bundle(String version) {
        return Bundle.newBuilder()
                .setVersion(version)
                .addResources(manifest("Deployment", "default", "web", "kind: Deployment # " + version))
                .addResources(manifest("ConfigMap", null, "settings", "kind: ConfigMap # " + version))
                .build();
    }

    /** A valid intent for {@code app}: bundle 1.0.0 of two resources, every store site, no waves. */
    public static Intent.Builder valid(String app) {
        return Intent.newBuilder()
                .setApp(app)
                .setMetadata(IntentMetadata.newBuilder().setDescription("web front").setRequestedBy("ci"))
                .setBundle(bundle("1.0.0"))
                .setTarget(Target.newBuilder().setSelector(LabelSelector.newBuilder().putMatchLabels("tier", "store")));
    }

    public static SiteOverride override(String region, String site, String key, String value) {
        return SiteOverride.newBuilder().setRegion(region).setSite(site).putValues(key, value).build();
    }

    public static RolloutPolicy waves(int... percents) {
        RolloutPolicy.Builder policy = RolloutPolicy.newBuilder();
        IntStream.of(percents).forEach(p -> policy.addWaves(Wave.newBuilder().setPercent(p)));
        return policy.build();
    }

    private static LabelRequirement requirement(String key, LabelRequirement.Operator op, String... values) {
        return LabelRequirement.newBuilder().setKey(key).setOperator(op).addAllValues(java.util.List.of(values)).build();
    }

    private static Intent.Builder withSelector(LabelSelector.Builder selector) {
        return valid("bad-selector").setTarget(Target.newBuilder().setSelector(selector));
    }

    /** (case name, invalid intent, the hub's exact message). */
    public static Stream<Arguments> invalid() {
        String dnsRule = " is not a DNS label: use 1 to 63 lower-case letters, digits or '-', starting and ending "
                + "with a letter or digit";
        return Stream.of(
                Arguments.of("empty app", valid("").build(), "app: required: a DNS label such as \"web\""),
                Arguments.of("upper-case app", valid("Web").build(), "app: \"Web\"" + dnsRule),
                Arguments.of("app with a dot", valid("web.v2").build(), "app: \"web.v2\"" + dnsRule),
                Arguments.of("app of 64 characters", valid("a".repeat(64)).build(), "app: \"" + "a".repeat(64) + "\"" + dnsRule),
                Arguments.of("no bundle", valid("no-bundle").clearBundle().build(),
                        "bundle: required: a version and the resources to run"),
                Arguments.of("empty bundle version", valid("no-version").setBundle(bundle("").toBuilder()).build(),
                        "bundle.version: required: a version label such as \"1.4.2\" or a git SHA"),
                Arguments.of("bad label key", withSelector(LabelSelector.newBuilder().putMatchLabels("tier!", "store")).build(),
                        "target.selector.matchLabels: label key \"tier!\" is invalid: name part must consist of "
                                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"),
                Arguments.of("bad label value", withSelector(LabelSelector.newBuilder().putMatchLabels("tier", "a b")).build(),
                        "target.selector.matchLabels[\"tier\"]: label value \"a b\" is invalid: must be empty or consist of "
                                + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"),
                Arguments.of("In without values", withSelector(LabelSelector.newBuilder()
                                .addMatchExpressions(requirement("tier", LabelRequirement.Operator.IN))).build(),
                        "target.selector.matchExpressions[0]: requirement \"tier\" In needs at least one value"),
                Arguments.of("NotIn without values", withSelector(LabelSelector.newBuilder()
                                .addMatchExpressions(requirement("gpu", LabelRequirement.Operator.EXISTS))
                                .addMatchExpressions(requirement("tier", LabelRequirement.Operator.NOT_IN))).build(),
                        "target.selector.matchExpressions[1]: requirement \"tier\" NotIn needs at least one value"),
                Arguments.of("Exists with values", withSelector(LabelSelector.newBuilder()
                                .addMatchExpressions(requirement("gpu", LabelRequirement.Operator.EXISTS, "yes"))).build(),
                        "target.selector.matchExpressions[0]: requirement \"gpu\" Exists takes no values, found [yes]"),
                Arguments.of("DoesNotExist with values", withSelector(LabelSelector.newBuilder()
                                .addMatchExpressions(requirement("legacy", LabelRequirement.Operator.DOES_NOT_EXIST, "x"))).build(),
                        "target.selector.matchExpressions[0]: requirement \"legacy\" DoesNotExist takes no values, found [x]"),
                Arguments.of("operator unspecified", withSelector(LabelSelector.newBuilder()
                                .addMatchExpressions(requirement("tier", LabelRequirement.Operator.OPERATOR_UNSPECIFIED, "store"))).build(),
                        "target.selector.matchExpressions[0].operator: required: one of IN, NOT_IN, EXISTS, DOES_NOT_EXIST "
                                + "(found OPERATOR_UNSPECIFIED)"),
                Arguments.of("unknown region", valid("far").setTarget(Target.newBuilder().addRegions("eu").addRegions("asia")).build(),
                        "target.regions[1]: unknown region \"asia\"; the fleet has regions [eu, us]"),
                Arguments.of("duplicate region", valid("twice").setTarget(Target.newBuilder().addRegions("eu").addRegions("eu")).build(),
                        "target.regions[1]: duplicate region \"eu\" (same as target.regions[0])"),
                Arguments.of("bundle over 1 MiB", valid("huge").setBundle(Bundle.newBuilder().setVersion("1")
                                .addResources(Resource.newBuilder().setKind("File").setName("blob.bin")
                                        .setData(ByteString.copyFrom(new byte[1024 * 1024])))).build(),
                        "bundle: serialized size is 1048669 bytes (sha256 fields included), over the limit of 1048576 bytes (1 MiB)"),
                Arguments.of("waves not increasing", valid("waves").setRollout(waves(50, 40, 100)).build(),
                        "rollout.waves[1] is 40 but must be larger than waves[0] (50)"),
                Arguments.of("wave of 0", valid("waves").setRollout(waves(0, 100)).build(),
                        "rollout.waves[0] is 0 but must be between 1 and 100 percent"),
                Arguments.of("wave over 100", valid("waves").setRollout(waves(10, 101)).build(),
                        "rollout.waves[1] is 101 but must be between 1 and 100 percent"),
                Arguments.of("last wave not 100", valid("waves").setRollout(waves(10, 50)).build(),
                        "rollout.waves[1] is 50 but the last wave must be 100 so that the rollout reaches every targeted site"),
                Arguments.of("duplicate resource", valid("dup").setBundle(Bundle.newBuilder().setVersion("2")
                                .addResources(manifest("Deployment", "default", "web", "a"))
                                .addResources(manifest("Service", "default", "web", "b"))
                                .addResources(manifest("Deployment", "default", "web", "c"))).build(),
                        "bundle.resources[2]: duplicate resource Deployment default/web (same as bundle.resources[0])"),
                Arguments.of("resource without content", valid("empty-res").setBundle(Bundle.newBuilder().setVersion("2")
                                .addResources(manifest("Deployment", "default", "web", "a"))
                                .addResources(Resource.newBuilder().setKind("ConfigMap").setName("settings"))).build(),
                        "bundle.resources[1]: resource ConfigMap settings has no content: set manifest (text) or data (bytes)"),
                Arguments.of("override in an unknown region", valid("ovr").addOverrides(override("asia", "store-eu-0001", "ip", "10.0.0.1")).build(),
                        "overrides[0].region: unknown region \"asia\"; the fleet has regions [eu, us]"),
                Arguments.of("override of a site of another region", valid("ovr")
                                .addOverrides(override("eu", "store-us-0001", "ip", "10.0.0.1")).build(),
                        "overrides[0].site: site \"store-us-0001\" is not in region \"eu\"; it is in region \"us\""),
                Arguments.of("override of an unknown site", valid("ovr")
                                .addOverrides(override("eu", "store-eu-9999", "ip", "10.0.0.1")).build(),
                        "overrides[0].site: site \"store-eu-9999\" is not in region \"eu\"; the fleet has no such site"),
                Arguments.of("duplicate override", valid("ovr")
                                .addOverrides(override("eu", "store-eu-0001", "ip", "10.0.0.1"))
                                .addOverrides(override("eu", "store-eu-0001", "ip", "10.0.0.2")).build(),
                        "overrides[1]: duplicate override for site eu/store-eu-0001 (same as overrides[0])"),
                Arguments.of("override in an untargeted region", valid("ovr").setTarget(Target.newBuilder().addRegions("eu"))
                                .addOverrides(override("us", "store-us-0001", "ip", "10.0.0.1")).build(),
                        "overrides[0].region: region \"us\" is not targeted: target.regions is [eu]"));
    }
}
