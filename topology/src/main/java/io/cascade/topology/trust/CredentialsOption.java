package io.cascade.topology.trust;

import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The {@code --creds FILE} option of every tier's command line: the user credentials (JWT and
 * nkey seed, as {@code cascade trust} writes them) the tier connects to its nats-server with.
 * Without it the tier connects anonymously, which only a server without operator mode accepts.
 */
public final class CredentialsOption {

    @Option(names = "--creds", paramLabel = "FILE",
            description = "User credentials to connect to nats-server with (made by `cascade trust`); "
                    + "without it the connection is anonymous, which servers in operator mode refuse.")
    Path file;

    /** The credentials read from {@code --creds}; a missing or malformed file fails with its path. */
    public Optional<UserCredentials> read() {
        return Optional.ofNullable(file).map(UserCredentials::read);
    }
}
