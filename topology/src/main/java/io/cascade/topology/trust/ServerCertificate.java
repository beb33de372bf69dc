package io.cascade.topology.trust;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A TLS server's certificate chain and private key, as PEM files (the key PKCS#8), e.g. the hub's
 * gRPC endpoint; issued by {@link TrustRoot#issueServerCertificate} or brought by the operator.
 * Both files must be readable when the server starts; a missing one is named.
 */
public record ServerCertificate(Path certFile, Path keyFile) {

    public ServerCertificate {
        Objects.requireNonNull(certFile, "certFile");
        Objects.requireNonNull(keyFile, "keyFile");
        for (Path f : new Path[] {certFile, keyFile}) {
            if (!Files.isReadable(f)) {
                throw new IllegalArgumentException("TLS " + (f == certFile ? "certificate " : "key ") + f
                        + ": no such readable file (`cascade trust init` makes the hub's; `cascade trust server-cert` makes others)");
            }
        }
    }

    /**
     * A server-side TLS context holding this certificate and key (a P-256 key, as the fleet CA issues them), for an
     * HTTPS endpoint the JDK serves (the hub's dashboard).
     */
    public javax.net.ssl.SSLContext serverContext() {
        try {
            java.security.cert.X509Certificate cert = Certificates.readCertificate(certFile);
            java.security.PrivateKey key = Certificates.readKey(keyFile);
            java.security.KeyStore store = java.security.KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", key, none, new java.security.cert.Certificate[] {cert});
            javax.net.ssl.KeyManagerFactory kmf = javax.net.ssl.KeyManagerFactory.getInstance(
                    javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(store, none);
            javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
            context.init(kmf.getKeyManagers(), null, null);
            return context;
        } catch (java.security.GeneralSecurityException | java.io.IOException e) {
            throw new IllegalArgumentException("the TLS certificate " + certFile + " or key " + keyFile + " cannot be used: "
                    + e.getMessage(), e);
        }
    }
}
