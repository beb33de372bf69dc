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
}
