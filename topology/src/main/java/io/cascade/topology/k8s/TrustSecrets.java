package io.cascade.topology.k8s;

import io.cascade.topology.natsconf.NatsServerConfig;
import io.cascade.topology.trust.TrustRoot;
import io.fabric8.kubernetes.api.model.Secret;
import java.util.List;

/** What a tier's trust Secret carries besides its NATS credentials: certificates from the fleet CA, the API key. */
final class TrustSecrets {

    private TrustSecrets() {}

    /** A certificate from the fleet CA for {@code names}, its key and the CA, added to a Secret under the given keys. */
    static Secret withCertificate(Secret secret, TrustRoot trust, List<String> names, String certKey, String keyKey) {
        try {
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("cascade-cert");
            try {
                trust.issueServerCertificate(names, dir.resolve("c"), dir.resolve("k"));
                secret.getStringData().put(certKey, java.nio.file.Files.readString(dir.resolve("c")));
                secret.getStringData().put(keyKey, java.nio.file.Files.readString(dir.resolve("k")));
                secret.getStringData().put(KubernetesManifests.CA_KEY, java.nio.file.Files.readString(trust.caCertFile()));
                return secret;
            } finally {
                for (String f : new String[] {"c", "k"}) {
                    java.nio.file.Files.deleteIfExists(dir.resolve(f));
                }
                java.nio.file.Files.deleteIfExists(dir);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot issue a certificate for " + names + ": " + e.getMessage(), e);
        }
    }

    /** The public key the hub verifies operator tokens with, added to its Secret. */
    static Secret withApiKey(Secret secret, TrustRoot trust) {
        secret.getStringData().put(KubernetesManifests.API_KEY_KEY, trust.apiPublicKey() + "\n");
        return secret;
    }

    /** TLS files as a pod sees them in its mounted trust Secret. */
    static NatsServerConfig.Tls mountedTls(String certKey, String keyKey) {
        return new NatsServerConfig.Tls(KubernetesManifests.TRUST_DIR + "/" + certKey, KubernetesManifests.TRUST_DIR + "/" + keyKey, KubernetesManifests.TRUST_DIR + "/" + KubernetesManifests.CA_KEY);
    }

    /** Operator mode as a pod sees it: the operator JWT in its mounted trust Secret, the resolver on its volume. */
    static NatsServerConfig.Auth mountedAuth(TrustRoot trust) {
        return io.cascade.topology.natsconf.FabricConfigs.auth(trust,
                KubernetesManifests.TRUST_DIR + "/" + KubernetesManifests.OPERATOR_JWT_KEY, KubernetesManifests.DATA_DIR + "/jwt");
    }
}
