package io.cascade.cli.e2e;

import io.cascade.proto.Bundle;
import io.cascade.proto.Intent;
import io.cascade.proto.LabelSelector;
import io.cascade.proto.Resource;
import io.cascade.proto.SiteOverride;
import io.cascade.proto.Target;
import java.util.List;
import java.util.Map;

/** Intents as an operator would write them, for the end-to-end tests. */
final class Intents {

    private Intents() {}

    /** An app with one ConfigMap whose data carries {@code version} and a {@code ${greeting}} placeholder. */
    static Intent.Builder app(String app, String version, Map<String, String> matchLabels, List<String> regions) {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: %s
                data:
                  version: "%s"
                  greeting: "${greeting}"
                """.formatted(app, app, version);
        return Intent.newBuilder()
                .setApp(app)
                .setBundle(Bundle.newBuilder().setVersion(version)
                        .addResources(Resource.newBuilder().setKind("ConfigMap").setName(app).setNamespace(app).setManifest(manifest)))
                .setTarget(Target.newBuilder()
                        .setSelector(LabelSelector.newBuilder().putAllMatchLabels(matchLabels))
                        .addAllRegions(regions));
    }

    static SiteOverride override(String region, String site, String greeting) {
        return SiteOverride.newBuilder().setRegion(region).setSite(site).putValues("greeting", greeting).build();
    }
}
