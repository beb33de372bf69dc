package io.cascade.topology.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cascade.topology.testing.TestTrust;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A creds file as a process reads it at start: every way it can be wrong is named with the file. */
class UserCredentialsTest {

    @TempDir
    Path dir;

    @Test
    void aWrittenCredsFileIsPrivateAndReadsBackAsTheSameUser() throws Exception {
        UserCredentials issued = TestTrust.shared().issue(new Identity.Site("eu", "store-eu-0001"));
        Path file = issued.write(dir.resolve("site.creds"));
        assertThat(Files.getPosixFilePermissions(file))
                .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
        UserCredentials read = UserCredentials.read(file);
        assertThat(read).isEqualTo(issued);
        assertThat(read.name()).isEqualTo("site-store-eu-0001");
        assertThat(read.inboxPrefix()).isEqualTo("_INBOX.site.store-eu-0001");
        assertThat(read.toString()).doesNotContain(read.seed());
    }

    @Test
    void aMissingFileIsNamedWithWhatToDo() {
        Path missing = dir.resolve("nope.creds");
        assertThatThrownBy(() -> UserCredentials.read(missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("NATS credentials " + missing + ": no such file (issue one with `cascade trust`)");
    }

    @Test
    void anUnreadableFileIsNamed() {
        assertThatThrownBy(() -> UserCredentials.read(dir))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("NATS credentials " + dir + ": cannot be read");
    }

    @Test
    void aFileWithoutCredsBlocksIsNamed() throws Exception {
        Path file = Files.writeString(dir.resolve("junk.creds"), "hello\n");
        assertThatThrownBy(() -> UserCredentials.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("NATS credentials " + file + " is not a NATS credentials file (no user JWT and seed blocks)");
    }

    @Test
    void aSeedThatIsNotTheJwtsUsersKeyIsRefused() throws Exception {
        UserCredentials a = TestTrust.shared().issue(new Identity.Site("eu", "store-eu-0001"));
        UserCredentials b = TestTrust.shared().issue(new Identity.Site("eu", "store-eu-0002"));
        String mixed = a.render().replace(a.seed(), b.seed());
        Path file = Files.writeString(dir.resolve("mixed.creds"), mixed);
        assertThatThrownBy(() -> UserCredentials.read(file))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("the nkey seed is not the key of the JWT's user " + a.publicKey());
        Path corrupt = Files.writeString(dir.resolve("corrupt.creds"), a.render().replace(a.seed(), "SU" + "A".repeat(56)));
        assertThatThrownBy(() -> UserCredentials.read(corrupt))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(corrupt + " is malformed");
    }
}
