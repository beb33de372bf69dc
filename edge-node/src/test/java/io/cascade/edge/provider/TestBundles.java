package io.cascade.edge.provider;

import com.google.protobuf.ByteString;
import io.cascade.proto.Resource;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Resources and bundles for the providers' tests. */
public final class TestBundles {

    private TestBundles() {}

    public static Resource manifest(String kind, String namespace, String name, String manifest) {
        Resource.Builder r = Resource.newBuilder().setKind(kind).setName(name).setManifest(manifest)
                .setSha256(ManifestFiles.sha256(manifest.getBytes(StandardCharsets.UTF_8)));
        if (namespace != null) {
            r.setNamespace(namespace);
        }
        return r.build();
    }

    public static Resource file(String path, String text) {
        return manifest("File", null, path, text);
    }

    public static Resource binary(String path, byte[] data) {
        return Resource.newBuilder().setKind("File").setName(path).setData(ByteString.copyFrom(data))
                .setSha256(ManifestFiles.sha256(data)).build();
    }

    public static Resource configMap(String namespace, String name, String key, String value) {
        String ns = namespace == null ? "" : "  namespace: " + namespace + "\n";
        return manifest("ConfigMap", namespace, name, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: %s
                %sdata:
                  %s: "%s"
                """.formatted(name, ns, key, value));
    }

    public static Resource deployment(String namespace, String name, String image, int replicas) {
        String ns = namespace == null ? "" : "  namespace: " + namespace + "\n";
        return manifest("Deployment", namespace, name, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                %s  labels:
                    app: %s
                spec:
                  replicas: %d
                  selector:
                    matchLabels:
                      app: %s
                  template:
                    metadata:
                      labels:
                        app: %s
                    spec:
                      containers:
                        - name: app
                          image: %s
                """.formatted(name, ns, name, replicas, name, name, image));
    }

    public static AppDesired desired(String app, long revision, String hash, Resource... resources) {
        return new AppDesired(app, revision, "1." + revision, List.of(resources), hash);
    }
}
