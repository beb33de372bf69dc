package io.cascade.topology.trust;

import io.nats.client.AuthHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String subject = Jwt.claims(jwt).path("sub").asText();
        if (!seed.startsWith("SU")) {
            throw new IllegalArgumentException("a user's seed starts with SU");
        }
        String seedsKey;
        try {
            seedsKey = new String(io.nats.client.NKey.fromSeed(seed.toCharArray()).getPublicKey());
        } catch (RuntimeException | java.security.GeneralSecurityException | IOException e) {
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
        var claims = Jwt.claims(jwt);
        String viaSigningKey = claims.path("nats").path("issuer_account").asText("");
        return viaSigningKey.isEmpty() ? claims.path("iss").asText() : viaSigningKey;
    }

    /** The user's public nkey (the JWT's subject). */
    public String publicKey() {
        return Jwt.claims(jwt).path("sub").asText();
    }

    /** The user's name in its JWT. */
    public String name() {
        return Jwt.claims(jwt).path("name").asText();
    }

    /** Signs the server's nonce with the seed and presents the JWT, on every (re)connect. */
    public AuthHandler authHandler() {
        return io.nats.client.Nats.staticCredentials(jwt.toCharArray(), seed.toCharArray());
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
