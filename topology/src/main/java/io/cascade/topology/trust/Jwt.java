package io.cascade.topology.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HexFormat;

/**
 * NATS JWTs (the decentralized auth of nats-server's operator mode, claims version 2): a claims
 * object signed with the issuer's ed25519 nkey. jnats issues user JWTs only; operator and account
 * claims (revocations, JetStream limits) are written here the same way.
 */
final class Jwt {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String HEADER = b64("{\"typ\":\"JWT\",\"alg\":\"ed25519-nkey\"}".getBytes(StandardCharsets.UTF_8));

    private Jwt() {}

    /**
     * Signs claims about {@code subject} (a public nkey) by {@code issuer}.
     *
     * @param issuedAt epoch seconds; a revocation refuses every JWT of a user issued at or before its time
     */
    static String sign(NKey issuer, String subject, String name, long issuedAt, ObjectNode nats) {
        try {
            ObjectNode claims = JSON.createObjectNode();
            claims.put("iat", issuedAt);
            claims.put("iss", new String(issuer.getPublicKey()));
            claims.put("name", name);
            claims.put("sub", subject);
            claims.set("nats", nats);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(JSON.writeValueAsBytes(claims));
            claims.put("jti", HexFormat.of().withUpperCase().formatHex(digest));
            String body = b64(JSON.writeValueAsBytes(claims));
            String signature = b64(issuer.sign((HEADER + "." + body).getBytes(StandardCharsets.US_ASCII)));
            return HEADER + "." + body + "." + signature;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot sign a JWT for " + name + ": " + e.getMessage(), e);
        }
    }

    /** The claims of {@code jwt}, without checking its signature (the servers check it). */
    static JsonNode claims(String jwt) {
        String[] parts = jwt.trim().split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWT: expected three dot-separated parts, got " + parts.length);
        }
        try {
            return JSON.readTree(Base64.getUrlDecoder().decode(parts[1]));
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a JWT: its claims do not decode: " + e.getMessage(), e);
        }
    }

    /** Seconds since the epoch, the JWT's time unit. */
    static long now() {
        return System.currentTimeMillis() / 1000;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
