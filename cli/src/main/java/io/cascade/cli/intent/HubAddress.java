package io.cascade.cli.intent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the hub's FleetService is: {@code --hub}, else {@code $CASCADE_HUB}, else the address a
 * running {@code cascade up} wrote into its work dir, else {@code 127.0.0.1:7443}.
 */
public final class HubAddress {

    public static final String ENV = "CASCADE_HUB";
    public static final String DEFAULT = "127.0.0.1:7443";
    /** The file {@code cascade up} writes, relative to the directory it was started in. */
    public static final Path UP_FILE = Path.of(".cascade", "up", "hub-address");

    private HubAddress() {}

    public static String resolve(String option) {
        if (option != null && !option.isBlank()) {
            return option;
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return env;
        }
        if (Files.isRegularFile(UP_FILE)) {
            try {
                return Files.readString(UP_FILE).trim();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + UP_FILE, e);
            }
        }
        return DEFAULT;
    }

    /** Environment variable naming the fleet CA's certificate. */
    public static final String CA_ENV = "CASCADE_CA";
    /** The CA {@code cascade up} uses, relative to the directory it was started in. */
    public static final Path UP_CA = Path.of(".cascade", "up", "servers", "trust", "ca.crt");

    /**
     * The CA certificate the hub's TLS certificate is checked against: {@code --ca}, else
     * {@code $CASCADE_CA}, else the one of a running {@code cascade up}.
     */
    public static Path ca(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv(CA_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        if (Files.isRegularFile(UP_CA)) {
            return UP_CA;
        }
        throw new IllegalArgumentException("the hub serves its API over TLS only: pass --ca FILE (the fleet CA's certificate, "
                + "ca.crt in the trust directory) or set " + CA_ENV);
    }

    /** Environment variable naming the operator credential file. */
    public static final String CREDENTIAL_ENV = "CASCADE_CREDENTIAL";
    /** The publisher credential {@code cascade up} writes for the local operator. */
    public static final Path UP_CREDENTIAL = Path.of(".cascade", "up", "operator.credential");

    /**
     * The operator token to call the hub with: the file {@code --credential}, else
     * {@code $CASCADE_CREDENTIAL} (a file), else the running {@code cascade up}'s; empty when none
     * (the hub then answers UNAUTHENTICATED, saying how to pass one).
     */
    public static java.util.Optional<String> credential(Path option) {
        Path file = option;
        if (file == null) {
            String env = System.getenv(CREDENTIAL_ENV);
            file = env != null && !env.isBlank() ? Path.of(env) : Files.isRegularFile(UP_CREDENTIAL) ? UP_CREDENTIAL : null;
        }
        if (file == null) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Files.readString(file).trim());
        } catch (IOException e) {
            throw new IllegalArgumentException("--credential " + file + ": cannot be read (" + e + ")", e);
        }
    }

    /** A channel to {@code target} over TLS, trusting {@code ca} only, whose calls carry {@code token} when there is one. */
    public static io.grpc.ManagedChannel channel(String target, Path ca, java.util.Optional<String> token) {
        io.grpc.ChannelCredentials tls;
        try {
            tls = io.grpc.TlsChannelCredentials.newBuilder().trustManager(ca.toFile()).build();
        } catch (IOException e) {
            throw new IllegalArgumentException("--ca " + ca + ": not a readable PEM certificate (" + e.getMessage() + ")", e);
        }
        var b = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder.forTarget(target, tls);
        token.ifPresent(t -> {
            io.grpc.Metadata headers = new io.grpc.Metadata();
            headers.put(io.grpc.Metadata.Key.of("authorization", io.grpc.Metadata.ASCII_STRING_MARSHALLER), "Bearer " + t);
            b.intercept(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
        });
        return b.build();
    }
}
