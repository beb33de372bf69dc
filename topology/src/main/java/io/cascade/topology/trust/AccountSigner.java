package io.cascade.topology.trust;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.nats.client.NKey;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Issues user JWTs in the fleet account with the account's signing key: the trust root does so on
 * an operator's machine, the hub for sites that register with a bootstrap token ({@code --signing-key}).
 * The signing key can make users only; the account JWT (and so its revocations) stays the
 * operator's, so a key revoked there is refused by every server whoever signed it.
 */
public final class AccountSigner {

    private final NKey signing;
    private final String accountPublicKey;

    AccountSigner(NKey signing, String accountPublicKey) {
        this.signing = Objects.requireNonNull(signing, "signing");
        this.accountPublicKey = Objects.requireNonNull(accountPublicKey, "accountPublicKey");
    }

    /**
     * The signing key in {@code seedFile} (the trust root's {@code account-signing.nk}) for the
     * account {@code accountPublicKey}; a file that is not an account seed is named in the error.
     */
    public static AccountSigner read(Path seedFile, String accountPublicKey) {
        NKey key;
        try {
            key = NKey.fromSeed(PrivateFiles.read(seedFile).trim().toCharArray());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("--signing-key " + seedFile + ": not an nkey seed (" + e.getMessage()
                    + "); give the trust root's account-signing.nk", e);
        }
        if (key.getType() != NKey.Type.ACCOUNT) {
            throw new IllegalArgumentException("--signing-key " + seedFile + ": a " + key.getType()
                    + " seed, not an account signing key; give the trust root's account-signing.nk");
        }
        return new AccountSigner(key, accountPublicKey);
    }

    /** The account the users are issued in. */
    public String accountPublicKey() {
        return accountPublicKey;
    }

    /** A user JWT for {@code identity} (not a system-account one) with the public nkey {@code userPublicKey}. */
    public String issueJwt(Identity identity, String userPublicKey) {
        if (identity.system()) {
            throw new IllegalArgumentException(identity.name() + " is a system-account user; the fleet account's key cannot issue it");
        }
        requirePublicUserKey(userPublicKey);
        ObjectNode nats = claims(identity);
        nats.put("issuer_account", accountPublicKey);
        nats.put("type", "user").put("version", 2);
        return Jwt.sign(signing, userPublicKey, identity.name(), Jwt.now(), nats);
    }

    /** Whether {@code key} is a public user nkey ({@code U...}). */
    public static boolean isPublicUserKey(String key) {
        try {
            return NKey.isValidPublicUserKey(key.toCharArray());
        } catch (IllegalArgumentException notBase32) {
            return false;
        }
    }

    static void requirePublicUserKey(String key) {
        if (!isPublicUserKey(key)) {
            throw new IllegalArgumentException("not a public user nkey (U...): " + key);
        }
    }

    /** The {@code nats} claim of a user JWT for {@code identity}: its allow-lists and limits. */
    static ObjectNode claims(Identity identity) {
        ObjectNode nats = Jwt.JSON.createObjectNode();
        nats.set("pub", allow(identity.publish()));
        nats.set("sub", allow(identity.subscribe()));
        if (identity.answersRequests()) {
            nats.putObject("resp").put("max", 1).put("ttl", 0);
        }
        nats.put("subs", -1).put("data", -1).put("payload", -1);
        return nats;
    }

    private static ObjectNode allow(List<String> subjects) {
        ObjectNode p = Jwt.JSON.createObjectNode();
        var a = p.putArray("allow");
        new ArrayList<>(subjects).forEach(a::add);
        return p;
    }
}
