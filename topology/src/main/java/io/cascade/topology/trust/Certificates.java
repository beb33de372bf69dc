package io.cascade.topology.trust;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The fleet's X.509 certificate authority (for the hub's gRPC API, and later the NATS links): an EC
 * P-256 CA kept in the trust directory ({@code ca.crt} public, {@code ca.key} 0600), and the server
 * certificates it signs. Files are PEM; private keys PKCS#8, as gRPC's Netty and nats-server read them.
 */
final class Certificates {

    static final String CA_CERT = "ca.crt";
    static final String CA_KEY = "ca.key";
    static final Duration CA_VALIDITY = Duration.ofDays(3650);
    static final Duration SERVER_VALIDITY = Duration.ofDays(825);
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {}

    /** Makes the CA in {@code dir}; refuses to replace one. */
    static void createCa(Path dir) {
        if (Files.exists(dir.resolve(CA_KEY))) {
            throw new IllegalStateException(dir.resolve(CA_KEY) + " exists already; refusing to replace the fleet's CA");
        }
        try {
            KeyPair pair = keyPair();
            X500Name name = new X500Name("CN=Cascade fleet CA");
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(CA_VALIDITY)), name, pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            b.addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(pair.getPublic()));
            X509Certificate cert = sign(b, pair.getPrivate());
            PrivateFiles.create(dir.resolve(CA_KEY), pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PrivateFiles.create(dir.resolve(CA_CERT), pem("CERTIFICATE", cert.getEncoded()));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the fleet's CA: " + e.getMessage(), e);
        }
    }

    /**
     * A server certificate for {@code names} (host names and IP addresses, the first is its common
     * name), signed by the CA in {@code caDir}; writes {@code certFile} and {@code keyFile} (0600).
     */
    static void issueServer(Path caDir, List<String> names, Path certFile, Path keyFile) {
        if (names.isEmpty()) {
            throw new IllegalArgumentException("a server certificate needs at least one name");
        }
        try {
            X509Certificate ca = readCertificate(caDir.resolve(CA_CERT));
            PrivateKey caKey = readKey(caDir.resolve(CA_KEY));
            KeyPair pair = keyPair();
            Instant now = Instant.now();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial(), Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(SERVER_VALIDITY)), new X500Name("CN=" + names.get(0)), pair.getPublic());
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            // both: a relay's certificate is also its identity when it dials the hub's leaf listener
            b.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
            b.addExtension(Extension.subjectAlternativeName, false, altNames(names));
            b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca));
            X509Certificate cert = sign(b, caKey);
            PrivateFiles.write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PrivateFiles.write(certFile, pem("CERTIFICATE", cert.getEncoded()));
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a server certificate for " + names + ": " + e.getMessage(), e);
        }
    }

    /**
     * A client certificate for an operator of the hub's API: subject {@code CN=<name>, OU=<role>},
     * valid for {@code ttl}, signed by the CA in {@code caDir}; writes {@code certFile} and
     * {@code keyFile} (0600). Returns its serial number in hex (what a revocation names).
     */
    static String issueClient(Path caDir, String name, String role, Duration ttl, Path certFile, Path keyFile) {
        try {
            X509Certificate ca = readCertificate(caDir.resolve(CA_CERT));
            PrivateKey caKey = readKey(caDir.resolve(CA_KEY));
            KeyPair pair = keyPair();
            Instant now = Instant.now();
            BigInteger serial = serial();
            X500Name subject = new org.bouncycastle.asn1.x500.X500NameBuilder()
                    .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.CN, name)
                    .addRDN(org.bouncycastle.asn1.x500.style.BCStyle.OU, role).build();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(ca, serial, Date.from(now.minusSeconds(300)),
                    Date.from(now.plus(ttl)), subject, pair.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth));
            b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca));
            X509Certificate cert = sign(b, caKey);
            PrivateFiles.write(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            PrivateFiles.write(certFile, pem("CERTIFICATE", cert.getEncoded()));
            return serial.toString(16);
        } catch (GeneralSecurityException | IOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot issue a client certificate for " + name + ": " + e.getMessage(), e);
        }
    }

    private static GeneralNames altNames(List<String> names) {
        List<GeneralName> all = new ArrayList<>();
        for (String n : names) {
            all.add(isIpAddress(n) ? new GeneralName(GeneralName.iPAddress, n) : new GeneralName(GeneralName.dNSName, n));
        }
        return new GeneralNames(all.toArray(GeneralName[]::new));
    }

    static boolean isIpAddress(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }

    private static KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
        return g.generateKeyPair();
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM);
    }

    static X509Certificate readCertificate(Path file) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the certificate " + file + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey readKey(Path file) throws GeneralSecurityException {
        String text = PrivateFiles.read(file).replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
        return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(text)));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
