package io.cascade.hub;

import io.cascade.hub.metrics.HubMetrics;
import io.cascade.topology.fleet.Fleet;
import io.cascade.topology.fleet.Fleets;
import io.cascade.topology.launch.CommandMain;
import io.cascade.topology.launch.Daemon;
import io.cascade.topology.metrics.MetricsOptions;
import io.cascade.topology.metrics.ProcessRegistry;
import io.cascade.topology.trust.CredentialsOption;
import io.cascade.topology.trust.ServerCertificate;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code cascade hub}: runs the core hub next to its nats-server. */
@Command(name = "hub", mixinStandardHelpOptions = true,
        description = "Run the core hub: the gRPC FleetService next to the hub's nats-server (JetStream domain core).")
public final class HubCommand implements Callable<Integer> {

    @Option(names = "--nats", defaultValue = "nats://127.0.0.1:4222", description = "The hub's nats-server, or every node of an "
            + "HA hub separated by commas (default: ${DEFAULT-VALUE}).")
    String natsUrl;

    @Option(names = "--replicas", defaultValue = "1", description = "Copies of each hub bucket: 3 on an HA hub's cluster "
            + "(default: ${DEFAULT-VALUE}).")
    int replicas;

    @Option(names = "--grpc-host", defaultValue = "0.0.0.0", description = "Address of the gRPC FleetService (default: ${DEFAULT-VALUE}).")
    String grpcHost;

    @Option(names = "--grpc-port", defaultValue = "7443", description = "Port of the gRPC FleetService (default: ${DEFAULT-VALUE}).")
    int grpcPort;

    @Option(names = "--fleet", description = "Fleet file (YAML); default: the bundled demo fleet.")
    Path fleetFile;

    @Mixin
    CredentialsOption creds;

    @Option(names = "--tls-cert", required = true, paramLabel = "FILE",
            description = "The gRPC endpoint's certificate chain (PEM), e.g. from `cascade trust init`; the API is served over TLS only.")
    Path tlsCert;

    @Option(names = "--tls-key", required = true, paramLabel = "FILE", description = "Its private key (PEM, PKCS#8).")
    Path tlsKey;

    @Option(names = "--client-ca", required = true, paramLabel = "FILE",
            description = "The fleet CA's certificate (ca.crt): operators may authenticate with client certificates it signed.")
    Path clientCa;

    @Option(names = "--api-key", required = true, paramLabel = "KEY|FILE",
            description = "The public key operator tokens are verified with (`cascade trust init` prints it and writes api.pub), "
                    + "or a file holding it.")
    String apiKey;

    @Mixin
    MetricsOptions metrics;

    @Option(names = "--dashboard-port", paramLabel = "PORT", description = "Serve the fleet dashboard over HTTPS on "
            + "<--grpc-host>:PORT with the gRPC certificate (0: a free port, logged; default: off). Sign in with an operator "
            + "credential.")
    Integer dashboardPort;

    @Option(names = "--signing-key", paramLabel = "FILE", description = "The fleet account's signing key (the trust root's "
            + "account-signing.nk): with it the hub registers sites that present a bootstrap token; without it RegisterSite is refused.")
    Path signingKey;

    @Override
    public Integer call() throws Exception {
        Fleet fleet = Fleets.loadOrDemo(fleetFile);
        HubConfig plain = new HubConfig(natsUrl, grpcHost, grpcPort, fleet, creds.read(), new ServerCertificate(tlsCert, tlsKey),
                apiKey(apiKey), clientCa).withReplicas(replicas);
        if (dashboardPort != null) {
            plain = plain.withDashboard(dashboardPort);
        }
        HubConfig config = signingKey == null ? plain : plain.withSigner(io.cascade.topology.trust.AccountSigner.read(signingKey,
                plain.credentials().orElseThrow(() -> new IllegalArgumentException(
                        "--signing-key needs --creds: the hub signs sites into the account its own user belongs to")).account()));
        ProcessRegistry meters = metrics.open(ProcessRegistry.Tier.HUB, null);
        Daemon.startAndRun("hub", meters, () -> Hub.start(config, new HubMetrics(meters.registry())));
        return 0;
    }

    /** {@code --api-key}: the key itself, or a file that holds it. */
    static String apiKey(String value) throws java.io.IOException {
        Path file = Path.of(value);
        if (java.nio.file.Files.isRegularFile(file)) {
            return java.nio.file.Files.readString(file).trim();
        }
        if (value.length() == 56 && value.startsWith("A")) {
            return value;
        }
        throw new IllegalArgumentException("--api-key " + value + ": neither a public key (A..., 56 characters) nor a readable file");
    }

    public static void main(String[] args) {
        CommandMain.exit(new HubCommand(), args);
    }
}
