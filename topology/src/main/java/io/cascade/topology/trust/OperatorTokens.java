package io.cascade.topology.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * Bearer tokens for the hub's operator API: {@code cst1.<claims>.<signature>}, the claims (name,
 * role, issued-at, expiry, id) signed with the trust root's API signing key (ed25519, an nkey). Any
 * hub replica verifies a token on its own with the key's public half; a revoked token is refused by
 * its id. Tokens are shown once, to whoever issued them; the hub keeps none.
 */
public final class OperatorTokens {

    static final String PREFIX = "cst1";
    /** How the id of a client-certificate credential starts: {@code cert-<serial in hex>}. */
    public static final String CERT_ID_PREFIX = "cert-";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private OperatorTokens() {}

    /** What a caller may do. */
    public enum Role {
        /** Intents, rollups, sites, queries and watches. */
        READ_ONLY("read-only"),
        /** Also publish, withdraw, rollout control, removing sites, revoking credentials. */
        PUBLISHER("publisher");

        private final String label;

        Role(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        /** Whether this role may do what {@code needed} may. */
        public boolean covers(Role needed) {
            return this == PUBLISHER || needed == READ_ONLY;
        }

        public static Role parse(String label) {
            for (Role r : values()) {
                if (r.label.equals(label)) {
                    return r;
                }
            }
            throw new IllegalArgumentException("role must be read-only or publisher, got \"" + label + "\"");
        }
    }

    /** A verified token's claims. */
    public record Claims(String name, Role role, Instant issuedAt, Instant expiresAt, String id) {}

    /** Why a token was refused, in words the caller can act on. */
    public static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message);
        }
    }

    /** Signs a token for {@code name} with {@code role}, valid for {@code ttl}. */
    static String issue(NKey signingKey, String name, Role role, Duration ttl, Instant now) {
        if (!name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("an operator's name is 1-64 of letters, digits, . _ @ -, got \"" + name + "\"");
        }
        if (ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("--ttl must be positive, got " + ttl);
        }
        byte[] id = new byte[12];
        RANDOM.nextBytes(id);
        ObjectNode claims = Jwt.JSON.createObjectNode()
                .put("sub", name).put("role", role.label())
                .put("iat", now.getEpochSecond()).put("exp", now.plus(ttl).getEpochSecond())
                .put("jti", HexFormat.of().formatHex(id));
        try {
            String body = B64.encodeToString(Jwt.JSON.writeValueAsBytes(claims));
            String signed = PREFIX + "." + body;
            return signed + "." + B64.encodeToString(signingKey.sign(signed.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign an operator token: " + e.getMessage(), e);
        }
    }

    /**
     * The caller a client certificate names, once TLS verified it against the fleet CA:
     * {@code CN} is the name, {@code OU} the role; the id is {@code cert-<serial>}.
     */
    public static Claims fromCertificate(java.security.cert.X509Certificate cert) throws Refused {
        String name = null;
        String role = null;
        try {
            for (javax.naming.ldap.Rdn rdn : new javax.naming.ldap.LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    name = rdn.getValue().toString();
                } else if (rdn.getType().equalsIgnoreCase("OU")) {
                    role = rdn.getValue().toString();
                }
            }
        } catch (javax.naming.InvalidNameException e) {
            throw new Refused("the client certificate's subject cannot be read: " + e.getMessage());
        }
        if (name == null || role == null) {
            throw new Refused("the client certificate names no operator (it needs CN=<name>, OU=read-only|publisher): "
                    + cert.getSubjectX500Principal().getName());
        }
        try {
            return new Claims(name, Role.parse(role), cert.getNotBefore().toInstant(), cert.getNotAfter().toInstant(),
                    CERT_ID_PREFIX + cert.getSerialNumber().toString(16));
        } catch (IllegalArgumentException e) {
            throw new Refused("the client certificate of " + name + ": " + e.getMessage());
        }
    }

    /** The id of {@code token} (what RevokeCredential takes), read without checking its signature. */
    public static String idOf(String token) {
        String[] parts = token.trim().split("\\.");
        if (parts.length != 3 || !parts[0].equals(PREFIX)) {
            throw new IllegalArgumentException("not a Cascade operator token");
        }
        try {
            return Jwt.JSON.readTree(Base64.getUrlDecoder().decode(parts[1])).path("jti").asText();
        } catch (IOException e) {
            throw new IllegalArgumentException("not a Cascade operator token: " + e.getMessage(), e);
        }
    }

    /** Checks tokens against the API signing key's public half ({@code A...}/{@code U...} nkey). */
    public static final class Verifier {
        private final NKey publicKey;

        public Verifier(String publicKey) {
            Objects.requireNonNull(publicKey, "publicKey");
            try {
                this.publicKey = NKey.fromPublicKey(publicKey.trim().toCharArray());
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("not a public nkey: " + publicKey, e);
            }
        }

        /** The token's claims when it is well-formed, signed by the key, and not expired at {@code now}. */
        public Claims verify(String token, Instant now) throws Refused {
            String[] parts = token.trim().split("\\.");
            if (parts.length != 3 || !parts[0].equals(PREFIX)) {
                throw new Refused("the credential is not a Cascade operator token");
            }
            try {
                byte[] signature = Base64.getUrlDecoder().decode(parts[2]);
                if (!publicKey.verify((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII), signature)) {
                    throw new Refused("the credential's signature does not verify: it was not issued by this fleet's trust root");
                }
                JsonNode c = Jwt.JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
                Claims claims = new Claims(c.path("sub").asText(), Role.parse(c.path("role").asText()),
                        Instant.ofEpochSecond(c.path("iat").asLong()), Instant.ofEpochSecond(c.path("exp").asLong()),
                        c.path("jti").asText());
                if (!now.isBefore(claims.expiresAt())) {
                    throw new Refused("the credential of " + claims.name() + " expired at " + claims.expiresAt()
                            + ": issue a new one with `cascade trust operator`");
                }
                return claims;
            } catch (IllegalArgumentException | IOException | GeneralSecurityException e) {
                throw new Refused("the credential is malformed (" + e.getMessage() + ")");
            }
        }
    }
}
