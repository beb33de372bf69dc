package io.cascade.topology.trust;

import io.nats.client.support.Encoding;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;

/**
 * A NATS user's nkey seed ({@code SU...}) as a JDK Ed25519 key: it signs the server's nonce at every connect and names
 * its public key ({@code U...}). jnats' {@code NKey} does the same through Bouncy Castle, whose signed jars cost an edge
 * device ~13 MB resident (the JDK keeps every entry of their manifests) and its start ~150 ms with Jackson (bench
 * footprint, issue 31); Ed25519 is deterministic, so the signatures are the same bytes.
 *
 * <p>The nkey text encoding: base32 (RFC 4648, unpadded) of a prefix, the 32 key bytes and a CRC-16/XMODEM of both,
 * little-endian. A seed's two prefix bytes carry 'S' and the key's type ('U' for a user).
 */
final class UserKey {

    private static final int PREFIX_SEED = 18 << 3; // 'S'
    private static final int PREFIX_USER = 20 << 3; // 'U'
    private static final int KEY_BYTES = 32;

    private final PrivateKey key;
    private final String publicKey;

    private UserKey(PrivateKey key, String publicKey) {
        this.key = key;
        this.publicKey = publicKey;
    }

    /** @throws IllegalArgumentException when {@code seed} is not a user's nkey seed (message says why) */
    static UserKey fromSeed(char[] seed) {
        byte[] raw;
        try {
            raw = Encoding.base32Decode(seed);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not base32: " + e.getMessage(), e);
        }
        if (raw.length != 2 + KEY_BYTES + 2) {
            throw new IllegalArgumentException("a seed holds 36 bytes, this one " + raw.length);
        }
        if (crc16(raw, raw.length - 2) != ((raw[raw.length - 2] & 0xff) | (raw[raw.length - 1] & 0xff) << 8)) {
            throw new IllegalArgumentException("its checksum does not match");
        }
        int kind = raw[0] & 0xff;
        int type = (kind & 0x07) << 5 | (raw[1] & 0xff) >> 3;
        if ((kind & 0xf8) != PREFIX_SEED || type != PREFIX_USER) {
            throw new IllegalArgumentException("not a user's seed (SU...)");
        }
        byte[] secret = Arrays.copyOfRange(raw, 2, 2 + KEY_BYTES);
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519")
                    .generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, secret));
            return new UserKey(key, encodePublic(publicKeyOf(secret)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make Ed25519 keys: " + e.getMessage(), e);
        } finally {
            Arrays.fill(raw, (byte) 0);
            Arrays.fill(secret, (byte) 0);
        }
    }

    /** The public nkey, {@code U...} (56 characters). */
    String publicKey() {
        return publicKey;
    }

    /** The Ed25519 signature of {@code data} (64 bytes). */
    byte[] sign(byte[] data) {
        try {
            Signature ed = Signature.getInstance("Ed25519");
            ed.initSign(key);
            ed.update(data);
            return ed.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed: " + e.getMessage(), e);
        }
    }

    /**
     * The public key of an Ed25519 secret: the JDK derives it only when it generates a pair, so the generator is given
     * the secret as its "random" bytes (RFC 8032: the private key is those 32 bytes).
     */
    private static byte[] publicKeyOf(byte[] secret) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
        generator.initialize(NamedParameterSpec.ED25519, new SecureRandom() {
            @Override
            public void nextBytes(byte[] bytes) {
                if (bytes.length != KEY_BYTES) {
                    throw new IllegalStateException("Ed25519 asked for " + bytes.length + " random bytes, not " + KEY_BYTES);
                }
                System.arraycopy(secret, 0, bytes, 0, KEY_BYTES);
            }
        });
        byte[] spki = generator.generateKeyPair().getPublic().getEncoded(); // X.509: a fixed 12-byte header, then the key
        return Arrays.copyOfRange(spki, spki.length - KEY_BYTES, spki.length);
    }

    private static String encodePublic(byte[] key) {
        byte[] raw = new byte[1 + KEY_BYTES + 2];
        raw[0] = (byte) PREFIX_USER;
        System.arraycopy(key, 0, raw, 1, KEY_BYTES);
        int crc = crc16(raw, 1 + KEY_BYTES);
        raw[1 + KEY_BYTES] = (byte) crc;
        raw[2 + KEY_BYTES] = (byte) (crc >>> 8);
        return new String(Encoding.base32Encode(raw));
    }

    /** CRC-16/XMODEM (polynomial 0x1021, initial 0) of the first {@code length} bytes, as nkeys use it. */
    private static int crc16(byte[] bytes, int length) {
        int crc = 0;
        for (int i = 0; i < length; i++) {
            crc ^= (bytes[i] & 0xff) << 8;
            for (int bit = 0; bit < 8; bit++) {
                crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
            }
            crc &= 0xffff;
        }
        return crc;
    }
}
