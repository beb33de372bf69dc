package io.cascade.bench.fleet;

import io.cascade.proto.Bundle;
import io.cascade.proto.Intent;
import io.cascade.proto.LabelSelector;
import io.cascade.proto.Resource;
import io.cascade.proto.Target;

/** The intents scenarios publish: one ConfigMap app for every {@code tier=store} site. */
public final class BenchIntents {

    private BenchIntents() {}

    /** App {@code app} at {@code version}, one ConfigMap of about {@code padBytes} extra data, all store sites. */
    public static Intent app(String app, String version, int padBytes) {
        String manifest = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                  namespace: %s
                data:
                  version: "%s"
                  pad: "%s"
                """.formatted(app, app, version, "x".repeat(Math.max(0, padBytes)));
        return Intent.newBuilder()
                .setApp(app)
                .setBundle(Bundle.newBuilder().setVersion(version)
                        .addResources(Resource.newBuilder().setKind("ConfigMap").setName(app).setNamespace(app)
                                .setManifest(manifest)))
                .setTarget(Target.newBuilder().setSelector(LabelSelector.newBuilder().putAllMatchLabels(BenchFleet.STORE)))
                .build();
    }
}
