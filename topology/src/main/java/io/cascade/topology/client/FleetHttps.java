package io.cascade.topology.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS for an HTTPS client of a fleet endpoint (the hub's dashboard): trusts the fleet CA in a file and nothing else,
 * with the JDK's host-name check (an {@link java.net.http.HttpClient} does it by default).
 */
public final class FleetHttps {

    private FleetHttps() {
    }

    /** A client-side context trusting only the CA certificate in {@code caFile} (PEM). */
    public static SSLContext trusting(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("cascade-fleet-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(store);
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, tmf.getTrustManagers(), null);
            return tls;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the fleet CA " + caFile, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("the fleet CA " + caFile + " cannot be used: " + e.getMessage(), e);
        }
    }
}
