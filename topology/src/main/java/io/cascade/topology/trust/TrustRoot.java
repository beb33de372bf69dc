package io.cascade.topology.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.NKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fleet's trust root on disk, made once by {@code cascade trust init}: the operator (its key
 * signs the accounts), the system account (server administration), the fleet's account
 * {@code CASCADE} (JetStream enabled; every tier and site is a user of it) and the account's
 * signing key (issues users; the hub service holds it). Key files are 0600 and never overwritten.
 *
 * <p>Issuing a user records its public key under {@code users/<name>.keys}, so that revoking an
 * identity revokes every key it was ever given. A revocation is an entry in the account JWT,
 * re-signed by the operator; the servers learn it from {@link AccountUpdates}.
 */
public final class TrustRoot {

    static final String OPERATOR = "operator";
    static final String SYSTEM = "system";
    static final String ACCOUNT = "account";
    static final String ACCOUNT_SIGNING = "account-signing";
    /** The fleet account's name. */
    public static final String ACCOUNT_NAME = "CASCADE";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final NKey operator;
    private final NKey system;
    private final NKey account;
    private final NKey signing;

    private TrustRoot(Path dir, NKey operator, NKey system, NKey account, NKey signing) {
        this.dir = dir;
        this.operator = operator;
        this.system = system;
        this.account = account;
        this.signing = signing;
    }

    /** Makes a new trust root in {@code dir}; refuses when one (or any part of one) is there. */
    public static TrustRoot init(Path dir) {
        Path abs = dir.toAbsolutePath();
        for (String f : List.of(OPERATOR + ".nk", OPERATOR + ".jwt", SYSTEM + ".nk", ACCOUNT + ".nk", ACCOUNT_SIGNING + ".nk")) {
            if (Files.exists(abs.resolve(f))) {
                throw new IllegalStateException(abs.resolve(f) + " exists already: " + abs
                        + " holds a trust root; refusing to overwrite it (a new one would lock out every site)");
            }
        }
        try {
            TrustRoot root = new TrustRoot(abs, NKey.createOperator(RANDOM), NKey.createAccount(RANDOM),
                    NKey.createAccount(RANDOM), NKey.createAccount(RANDOM));
            PrivateFiles.create(abs.resolve(OPERATOR + ".nk"), new String(root.operator.getSeed()));
            PrivateFiles.create(abs.resolve(SYSTEM + ".nk"), new String(root.system.getSeed()));
            PrivateFiles.create(abs.resolve(ACCOUNT + ".nk"), new String(root.account.getSeed()));
            PrivateFiles.create(abs.resolve(ACCOUNT_SIGNING + ".nk"), new String(root.signing.getSeed()));
            PrivateFiles.create(abs.resolve(OPERATOR + ".jwt"), root.signOperator());
            PrivateFiles.create(abs.resolve(SYSTEM + ".jwt"), root.signSystemAccount());
            PrivateFiles.create(abs.resolve(ACCOUNT + ".jwt"), root.signAccount(Map.of()));
            Certificates.createCa(abs);
            return root;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the trust root's keys: " + e.getMessage(), e);
        }
    }

    /** Reads the trust root in {@code dir}; a missing file is named with what to run. */
    public static TrustRoot load(Path dir) {
        Path abs = dir.toAbsolutePath();
        return new TrustRoot(abs, seed(abs, OPERATOR), seed(abs, SYSTEM), seed(abs, ACCOUNT), seed(abs, ACCOUNT_SIGNING));
    }

    /** {@link #load} when {@code dir} holds a trust root, else {@link #init}. */
    public static TrustRoot loadOrInit(Path dir) {
        return Files.exists(dir.resolve(OPERATOR + ".nk")) ? load(dir) : init(dir);
    }

    private static NKey seed(Path dir, String name) {
        return NKey.fromSeed(PrivateFiles.read(dir.resolve(name + ".nk")).toCharArray());
    }

    public Path dir() {
        return dir;
    }

    /** The fleet CA's certificate as PEM text (clients of a relay carry it in their credentials). */
    public String caPem() {
        return PrivateFiles.read(caCertFile());
    }

    /** {@link #issue} carrying the fleet CA: credentials for a client of a relay's (TLS) nats-server. */
    public UserCredentials issueClient(Identity identity) {
        return issue(identity).withCa(caPem());
    }

    /** The fleet CA's certificate (PEM): what a client trusts to reach the hub's gRPC API. */
    public Path caCertFile() {
        return dir.resolve(Certificates.CA_CERT);
    }

    /**
     * Issues a server certificate for {@code names} (host names and IP addresses; the first is its
     * common name) signed by the fleet CA, into {@code certFile} and {@code keyFile} (0600). A trust
     * root made before the CA existed gets its CA now.
     */
    public synchronized void issueServerCertificate(List<String> names, Path certFile, Path keyFile) {
        if (!Files.exists(dir.resolve(Certificates.CA_KEY))) {
            Certificates.createCa(dir);
        }
        Certificates.issueServer(dir, names, certFile, keyFile);
    }

    static final String API_SIGNING = "api-signing";

    /**
     * A bearer token for the hub's operator API, for {@code name} with {@code role}, valid for
     * {@code ttl}, signed with the API signing key (made on first use, {@code api-signing.nk}, 0600).
     */
    public synchronized String issueOperatorToken(String name, OperatorTokens.Role role, java.time.Duration ttl) {
        return OperatorTokens.issue(apiSigningKey(), name, role, ttl, java.time.Instant.now());
    }

    /**
     * A client certificate for an operator of the hub's API ({@code CN=name, OU=role}), signed by
     * the fleet CA: the alternative to a token. Returns the credential's id ({@code cert-<serial>}).
     */
    public synchronized String issueOperatorCertificate(String name, OperatorTokens.Role role, java.time.Duration ttl,
                                                        Path certFile, Path keyFile) {
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("an operator's name is 1-64 of letters, digits, . _ @ -, got \"" + name + "\"");
        }
        if (!Files.exists(dir.resolve(Certificates.CA_KEY))) {
            Certificates.createCa(dir);
        }
        return OperatorTokens.CERT_ID_PREFIX + Certificates.issueClient(dir, name, role.label(), ttl, certFile, keyFile);
    }

    /** The API signing key's public half: what the hub verifies operator tokens with. */
    public synchronized String apiPublicKey() {
        return publicKey(apiSigningKey());
    }

    private NKey apiSigningKey() {
        Path f = dir.resolve(API_SIGNING + ".nk");
        if (!Files.exists(f)) {
            try {
                PrivateFiles.create(f, new String(NKey.createAccount(RANDOM).getSeed()));
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot make the API signing key: " + e.getMessage(), e);
            }
        }
        return seed(dir, API_SIGNING);
    }

    /** The operator JWT file, which every server's config names ({@code operator:}). */
    public Path operatorJwtFile() {
        return dir.resolve(OPERATOR + ".jwt");
    }

    /** The operator JWT (public: every server trusts it). */
    public String operatorJwt() {
        return PrivateFiles.read(operatorJwtFile());
    }

    public String operatorPublicKey() {
        return publicKey(operator);
    }

    public String accountPublicKey() {
        return publicKey(account);
    }

    public String systemAccountPublicKey() {
        return publicKey(system);
    }

    /** The fleet account's current JWT (with its revocations). */
    public String accountJwt() {
        return PrivateFiles.read(dir.resolve(ACCOUNT + ".jwt"));
    }

    public String systemAccountJwt() {
        return PrivateFiles.read(dir.resolve(SYSTEM + ".jwt"));
    }

    /** Account public key → account JWT, for the servers' {@code resolver_preload}. */
    public Map<String, String> accountJwts() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(accountPublicKey(), accountJwt());
        m.put(systemAccountPublicKey(), systemAccountJwt());
        return m;
    }

    /**
     * New credentials for {@code identity}: a fresh nkey and a JWT with its allow-lists. For a
     * site on a device, prefer {@link #issueJwt} with a key the site made itself.
     */
    public synchronized UserCredentials issue(Identity identity) {
        try {
            NKey user = NKey.createUser(RANDOM);
            String jwt = issueJwt(identity, publicKey(user));
            return new UserCredentials(jwt, new String(user.getSeed()), identity.inboxPrefix());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make a key for " + identity.name() + ": " + e.getMessage(), e);
        }
    }

    /** A user JWT for {@code identity} with the public nkey {@code userPublicKey}, made elsewhere. */
    public synchronized String issueJwt(Identity identity, String userPublicKey) {
        String jwt;
        if (identity.system()) {
            AccountSigner.requirePublicUserKey(userPublicKey);
            ObjectNode nats = AccountSigner.claims(identity);
            nats.put("type", "user").put("version", 2);
            jwt = Jwt.sign(system, userPublicKey, identity.name(), Jwt.now(), nats);
        } else {
            jwt = signer().issueJwt(identity, userPublicKey);
        }
        record(identity.name(), userPublicKey);
        return jwt;
    }

    /** The fleet account's signing key, as the hub uses it for registered sites. */
    public AccountSigner signer() {
        return new AccountSigner(signing, accountPublicKey());
    }

    /** The file holding the fleet account's signing seed (for the hub's {@code --signing-key}). */
    public Path signingKeyFile() {
        return dir.resolve(ACCOUNT_SIGNING + ".nk");
    }

    /** Every public key ever issued to the identity named {@code name}. */
    public List<String> issuedKeys(String name) {
        Path f = usersFile(name);
        if (!Files.exists(f)) {
            return List.of();
        }
        try {
            return Files.readAllLines(f).stream().map(String::trim).filter(s -> !s.isEmpty()).distinct().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f, e);
        }
    }

    /**
     * Revokes every key issued to the identity named {@code name} (now and before): the account
     * JWT gains their revocations, re-signed by the operator and saved. Push the returned JWT to
     * the servers with {@link AccountUpdates}. Returns the revoked keys with the new JWT.
     */
    public synchronized Revocation revoke(String name) {
        return revoke(name, List.of());
    }

    /**
     * As {@link #revoke(String)}, also revoking {@code otherKeys}: keys of the identity that were
     * signed elsewhere (a registered site's, signed by the hub). They are recorded as the
     * identity's first, so a later revoke finds them too.
     */
    public synchronized Revocation revoke(String name, List<String> otherKeys) {
        otherKeys.forEach(k -> {
            AccountSigner.requirePublicUserKey(k);
            if (!issuedKeys(name).contains(k)) {
                record(name, k);
            }
        });
        List<String> keys = issuedKeys(name);
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no credentials were issued to " + name + " from " + dir);
        }
        Map<String, Long> revocations = new LinkedHashMap<>(revocations());
        long now = Jwt.now();
        keys.forEach(k -> revocations.put(k, now));
        String jwt = signAccount(revocations);
        PrivateFiles.write(dir.resolve(ACCOUNT + ".jwt"), jwt);
        return new Revocation(name, keys, jwt);
    }

    /** What {@link #revoke} did. */
    public record Revocation(String name, List<String> keys, String accountJwt) {}

    /** Revoked user key → the time (epoch seconds) up to which its JWTs are refused. */
    public Map<String, Long> revocations() {
        JsonNode r = Jwt.claims(accountJwt()).path("nats").path("revocations");
        Map<String, Long> m = new LinkedHashMap<>();
        r.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asLong()));
        return m;
    }

    private void record(String name, String key) {
        Path f = usersFile(name);
        try {
            Files.createDirectories(f.getParent());
            Files.writeString(f, key + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the key issued to " + name + " in " + f, e);
        }
    }

    private Path usersFile(String name) {
        return dir.resolve("users").resolve(name + ".keys");
    }

    private String signOperator() {
        ObjectNode nats = Jwt.JSON.createObjectNode();
        nats.put("system_account", systemAccountPublicKey());
        nats.put("type", "operator").put("version", 2);
        return Jwt.sign(operator, operatorPublicKey(), "cascade", Jwt.now(), nats);
    }

    private String signSystemAccount() {
        ObjectNode nats = Jwt.JSON.createObjectNode();
        ObjectNode limits = nats.putObject("limits");
        limits.put("subs", -1).put("data", -1).put("payload", -1).put("imports", -1).put("exports", -1)
                .put("wildcards", true).put("conn", -1).put("leaf", -1);
        nats.put("type", "account").put("version", 2);
        return Jwt.sign(operator, systemAccountPublicKey(), "SYS", Jwt.now(), nats);
    }

    private String signAccount(Map<String, Long> revocations) {
        ObjectNode nats = Jwt.JSON.createObjectNode();
        ObjectNode limits = nats.putObject("limits");
        limits.put("subs", -1).put("data", -1).put("payload", -1).put("imports", -1).put("exports", -1)
                .put("wildcards", true).put("conn", -1).put("leaf", -1)
                .put("mem_storage", -1).put("disk_storage", -1).put("streams", -1).put("consumer", -1);
        nats.putArray("signing_keys").add(publicKey(signing));
        if (!revocations.isEmpty()) {
            ObjectNode r = nats.putObject("revocations");
            revocations.forEach(r::put);
        }
        nats.put("type", "account").put("version", 2);
        // servers take an account update only when it is newer than the one they hold
        Path current = dir.resolve(ACCOUNT + ".jwt");
        long issuedAt = Files.exists(current) ? Math.max(Jwt.now(), Jwt.claims(accountJwt()).path("iat").asLong() + 1) : Jwt.now();
        return Jwt.sign(operator, accountPublicKey(), ACCOUNT_NAME, issuedAt, nats);
    }

    private static String publicKey(NKey key) {
        try {
            return new String(key.getPublicKey());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("bad nkey: " + e.getMessage(), e);
        }
    }
}
