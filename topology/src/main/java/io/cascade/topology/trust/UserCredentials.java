package io.cascade.topology.trust;

import io.nats.client.AuthHandler;
import io.nats.client.support.JsonParseException;
import io.nats.client.support.JsonParser;
import io.nats.client.support.JsonValue;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A NATS user's credentials: its JWT (public, signed by the account) and its nkey seed (private,
 * made where the user runs). Read from and written to the standard {@code .creds} file format
 * that nats-server's leaf remotes and every NATS client accept.
 *
 * @param jwt         the user JWT
 * @param seed        the user's nkey seed ({@code SU...})
 * @param inboxPrefix where the user's JWT lets it receive replies; its connection must use it
 * @param caPem       the fleet CA (PEM) a {@code tls://} server's certificate is checked against; empty when not carried
 */
public record UserCredentials(String jwt, String seed, String inboxPrefix, String caPem) {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN NATS USER JWT-----\\s*(\\S+)\\s*------END NATS USER JWT------.*?"
                    + "-----BEGIN USER NKEY SEED-----\\s*(\\S+)\\s*------END USER NKEY SEED------", Pattern.DOTALL);
    private static final Pattern INBOX = Pattern.compile("^# inbox: (\\S+)$", Pattern.MULTILINE);
    private static final Pattern CA = Pattern.compile("-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----");

    /** Credentials that carry no CA (a leaf link's, which nats-server reads; or for plain servers). */
    public UserCredentials(String jwt, String seed, String inboxPrefix) {
        this(jwt, seed, inboxPrefix, "");
    }

    /** These credentials carrying the fleet CA {@code caPem}, for servers that speak TLS. */
    public UserCredentials withCa(String caPem) {
        return new UserCredentials(jwt, seed, inboxPrefix, caPem);
    }

    public UserCredentials {
        caPem = caPem == null ? "" : caPem.trim();
        String subject = claim(claims(jwt), "sub");
        if (!seed.startsWith("SU")) {
            throw new IllegalArgumentException("a user's seed starts with SU");
        }
        String seedsKey;
        try {
            seedsKey = UserKey.fromSeed(seed.toCharArray()).publicKey();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the user's nkey seed does not decode (" + e.getMessage() + ")", e);
        }
        if (!seedsKey.equals(subject)) {
            throw new IllegalArgumentException("the nkey seed is not the key of the JWT's user " + subject);
        }
        if (inboxPrefix.isBlank()) {
            throw new IllegalArgumentException("inboxPrefix must be set");
        }
    }

    /** The account the user belongs to: its JWT's {@code issuer_account}, else its issuer. */
    public String account() {
        Map<String, JsonValue> claims = claims(jwt);
        JsonValue nats = claims.get("nats");
        String viaSigningKey = nats == null || nats.map == null ? "" : claim(nats.map, "issuer_account");
        return viaSigningKey.isEmpty() ? claim(claims, "iss") : viaSigningKey;
    }

    /** The user's public nkey (the JWT's subject). */
    public String publicKey() {
        return claim(claims(jwt), "sub");
    }

    /** The user's name in its JWT. */
    public String name() {
        return claim(claims(jwt), "name");
    }

    /**
     * Signs the server's nonce with the seed and presents the JWT, on every (re)connect; with the JDK's Ed25519
     * ({@link UserKey}), not jnats' Bouncy Castle one.
     */
    public AuthHandler authHandler() {
        UserKey key = UserKey.fromSeed(seed.toCharArray());
        char[] token = jwt.toCharArray();
        return new AuthHandler() {
            @Override
            public byte[] sign(byte[] nonce) {
                return key.sign(nonce);
            }

            @Override
            public char[] getID() {
                return key.publicKey().toCharArray();
            }

            @Override
            public char[] getJWT() {
                return token.clone();
            }
        };
    }

    /**
     * The claims of {@code jwt}, unverified (the servers verify it), read with jnats' own JSON parser: every edge reads
     * its credentials, and Jackson would be ~800 classes and ~150 ms of its start (bench footprint); {@link Jwt} keeps
     * Jackson for the services that make tokens.
     */
    private static Map<String, JsonValue> claims(String jwt) {
        String[] parts = jwt.trim().split("\\.");
        if (parts.length != 3) {
            throw new IllegalArgumentException("not a JWT: expected three dot-separated parts, got " + parts.length);
        }
        JsonValue claims;
        try {
            claims = JsonParser.parse(Base64.getUrlDecoder().decode(parts[1]));
        } catch (JsonParseException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not a JWT: its claims do not decode: " + e.getMessage(), e);
        }
        if (claims.map == null) {
            throw new IllegalArgumentException("not a JWT: its claims are not a JSON object");
        }
        return claims.map;
    }

    /** A string claim, "" when absent or not a string. */
    private static String claim(Map<String, JsonValue> claims, String name) {
        JsonValue v = claims.get(name);
        return v == null || v.string == null ? "" : v.string;
    }

    /** The {@code .creds} text (with the inbox prefix in a comment line, which other tools ignore). */
    public String render() {
        return "# Cascade NATS credentials of " + name() + "; keep private\n"
                + "# inbox: " + inboxPrefix + "\n"
                + "-----BEGIN NATS USER JWT-----\n" + jwt + "\n------END NATS USER JWT------\n\n"
                + "-----BEGIN USER NKEY SEED-----\n" + seed + "\n------END USER NKEY SEED------\n"
                + (caPem.isEmpty() ? "" : "\n# the fleet CA: a relay's TLS certificate is checked against it\n" + caPem + "\n");
    }

    /** Writes the creds file, readable by its owner only. */
    public Path write(Path file) {
        PrivateFiles.write(file, render());
        return file;
    }

    /**
     * Reads a creds file. A missing, unreadable or malformed file is bad input: the message names
     * the file and what is wrong with it, so a process stops at start instead of retrying a
     * connection that can never authenticate.
     */
    public static UserCredentials read(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException("NATS credentials " + file + ": no such file (issue one with `cascade trust`)", e);
        } catch (IOException | UncheckedIOException e) {
            throw new IllegalArgumentException("NATS credentials " + file + ": cannot be read: " + e, e);
        }
        return parse(text, "NATS credentials " + file);
    }

    /** Parses the text of a creds file; {@code source} names it in the error. */
    public static UserCredentials parse(String text, String source) {
        Matcher m = BLOCK.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException(source + " is not a NATS credentials file (no user JWT and seed blocks)");
        }
        Matcher inbox = INBOX.matcher(text);
        try {
            Matcher ca = CA.matcher(text);
            return new UserCredentials(m.group(1), m.group(2), inbox.find() ? inbox.group(1) : "_INBOX", ca.find() ? ca.group() : "");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + " is malformed: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "UserCredentials[" + name() + "]"; // never the seed
    }
}
