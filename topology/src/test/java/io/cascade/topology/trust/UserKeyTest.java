package io.cascade.topology.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.nats.client.NKey;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The JDK's Ed25519 on nkey seeds gives what jnats' NKey (Bouncy Castle) gives: the same public key and signatures. */
class UserKeyTest {

    @Test
    void aSeedsPublicKeyAndSignaturesAreThoseOfJnatsNKey() throws Exception {
        for (int i = 0; i < 20; i++) {
            NKey nkey = NKey.createUser(null);
            UserKey key = UserKey.fromSeed(nkey.getSeed());
            assertThat(key.publicKey()).isEqualTo(new String(nkey.getPublicKey())).startsWith("U").hasSize(56);
            byte[] nonce = ("nonce-" + i).getBytes(StandardCharsets.US_ASCII);
            byte[] signature = key.sign(nonce);
            assertThat(signature).hasSize(64).isEqualTo(nkey.sign(nonce));
            assertThat(NKey.fromPublicKey(nkey.getPublicKey()).verify(nonce, signature)).isTrue();
        }
    }

    @Test
    void otherSeedsAndDamagedOnesAreRefused() throws Exception {
        char[] account = NKey.createAccount(null).getSeed();
        assertThatThrownBy(() -> UserKey.fromSeed(account)).hasMessageContaining("not a user's seed");
        char[] seed = NKey.createUser(null).getSeed();
        seed[10] = seed[10] == 'A' ? 'B' : 'A';
        assertThatThrownBy(() -> UserKey.fromSeed(seed)).hasMessageContaining("checksum");
        assertThatThrownBy(() -> UserKey.fromSeed("SUAAAA".toCharArray())).hasMessageContaining("36 bytes");
    }
}
