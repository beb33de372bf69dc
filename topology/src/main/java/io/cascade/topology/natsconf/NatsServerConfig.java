package io.cascade.topology.natsconf;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One nats-server's configuration, rendered in the server's own config syntax. Build it with
 * {@link FabricConfigs}; {@link #render()} writes the text a {@code nats-server -c} accepts.
 *
 * @param serverName unique server name
 * @param listenHost address the client, leaf and monitoring listeners bind to
 * @param clientPort NATS client port
 * @param monitorPort HTTP monitoring port
 * @param jetStreamDomain JetStream domain ({@code core} for the hub, {@code region-<r>} for relays)
 * @param storeDir JetStream store directory; every server needs its own (2.9.10 does not lock it)
 * @param maxPayloadBytes largest message; desired docs carry two bundles, so this is above the 1 MiB default
 * @param leaf the leaf-node side of this server
 * @param auth who the server trusts (operator mode); empty only where {@link Protection#NONE} asked for
 *             it (a benchmark measuring what trust costs): every client is then anonymous
 * @param cluster the routes to its peers when the server is one node of a cluster (the HA hub); empty
 *                for a server on its own
 */
public record NatsServerConfig(String serverName, String listenHost, int clientPort, int monitorPort,
                               String jetStreamDomain, String storeDir, long maxPayloadBytes, Leaf leaf,
                               Optional<Auth> auth, Optional<Cluster> cluster) {

    /** 8 MiB: a desired doc holds a stable and a candidate bundle of up to 1 MiB each, plus overhead. */
    public static final long DEFAULT_MAX_PAYLOAD = 8L * 1024 * 1024;
    /**
     * How often the server pings a connection it has not heard from (clients, leaf links; nats-server's
     * default is 2 min). With {@link #PING_MAX} a dead link is closed within (PING_MAX + 1) × this, 6 s:
     * a relay's leaf link cut without a close (a partition) is noticed on both sides in seconds, not after
     * minutes or a write deadline. Measured in the partition test (PartitionIT prints both sides' times).
     * The cost: an idle connection is pinged every 2 s (a 10k-edge relay sends 5k PINGs/s).
     */
    public static final java.time.Duration PING_INTERVAL = java.time.Duration.ofSeconds(2);
    /** Unanswered pings a server allows before it closes the connection as stale. */
    public static final int PING_MAX = 2;

    public NatsServerConfig {
        Objects.requireNonNull(serverName, "serverName");
        Objects.requireNonNull(listenHost, "listenHost");
        Objects.requireNonNull(jetStreamDomain, "jetStreamDomain");
        Objects.requireNonNull(storeDir, "storeDir");
        Objects.requireNonNull(leaf, "leaf");
        Objects.requireNonNull(auth, "auth");
        Objects.requireNonNull(cluster, "cluster");
        if (leaf instanceof LeafRemote r && auth.isPresent() == r.logins().isEmpty()) {
            throw new IllegalArgumentException(auth.isPresent()
                    ? "in operator mode a relay's leaf remotes log in at the hub: give their credentials"
                    : "leaf credentials need operator mode at the relay too");
        }
        if (clientPort <= 0 || monitorPort <= 0) {
            throw new IllegalArgumentException("client and monitor ports must be set, got " + clientPort + "/" + monitorPort);
        }
    }

    /** A server on its own (no cluster). */
    public NatsServerConfig(String serverName, String listenHost, int clientPort, int monitorPort, String jetStreamDomain,
                            String storeDir, long maxPayloadBytes, Leaf leaf, Optional<Auth> auth) {
        this(serverName, listenHost, clientPort, monitorPort, jetStreamDomain, storeDir, maxPayloadBytes, leaf, auth,
                Optional.empty());
    }

    /** This server as one node of {@code cluster}. */
    public NatsServerConfig withCluster(Cluster cluster) {
        return new NatsServerConfig(serverName, listenHost, clientPort, monitorPort, jetStreamDomain, storeDir, maxPayloadBytes,
                leaf, auth, Optional.of(cluster));
    }

    /**
     * One node's routes to its peers. JetStream runs clustered (RAFT) over them, so streams and KV
     * buckets can keep 3 replicas. Routes authenticate twice: TLS both ways with certificates of the fleet
     * CA (when {@code tls} is given) and the cluster's own user and password, which only the nodes' configs
     * hold (each file readable by its server's user alone); a client or a relay's leaf certificate cannot
     * open a route without the password.
     *
     * @param name     cluster name, the same on every node
     * @param port     this node's route port
     * @param routes   host:port of every node's route port (this one's included: nats-server skips itself)
     * @param user     the route user
     * @param password the route password: letters and digits only, since it goes into the route URLs
     * @param tls      this node's certificate for its routes, both directions; empty only where
     *                 {@link Protection#tls()} is off
     */
    public record Cluster(String name, int port, List<String> routes, String user, String password, Optional<Tls> tls) {
        public Cluster {
            Objects.requireNonNull(name, "name");
            routes = List.copyOf(routes);
            Objects.requireNonNull(tls, "tls");
            if (routes.size() < 3) {
                throw new IllegalArgumentException("a JetStream cluster needs at least 3 nodes to survive losing one, got "
                        + routes.size());
            }
            if (!user.matches("[A-Za-z0-9]+") || !password.matches("[A-Za-z0-9]{16,}")) {
                throw new IllegalArgumentException("the route user and password must be letters and digits (password: 16 or "
                        + "more), as they go into route URLs");
            }
        }

        /** 24 letters and digits from a SecureRandom: a route password as this record requires one. */
        public static String randomPassword() {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
            java.security.SecureRandom random = new java.security.SecureRandom();
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < 24; i++) {
                b.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return b.toString();
        }

        String render(String listenHost) {
            StringBuilder b = new StringBuilder("cluster {\n");
            b.append("  name: ").append(quote(name)).append('\n');
            b.append("  listen: ").append(quote(listenHost + ":" + port)).append('\n');
            b.append("  routes: [").append(String.join(", ", routes.stream()
                    .map(r -> quote("nats-route://" + user + ":" + password + "@" + r)).toList())).append("]\n");
            b.append("  authorization {\n");
            b.append("    user: ").append(quote(user)).append('\n');
            b.append("    password: ").append(quote(password)).append('\n');
            b.append("    timeout: 5\n");
            b.append("  }\n");
            tls.ifPresent(t -> b.append(t.render("  ", true)));
            b.append("}\n");
            return b.toString();
        }

        @Override
        public String toString() {
            return "Cluster[" + name + ", port " + port + ", routes " + routes + "]"; // never the password
        }
    }

    /**
     * Operator mode (decentralized JWT auth): the server trusts the operator's JWT, knows the
     * system account, and resolves accounts from a directory it keeps ({@code full} resolver),
     * preloaded with the accounts' JWTs; updates pushed to it later (revocations) are kept there.
     *
     * @param operatorJwtFile the operator JWT
     * @param fleetAccount    the fleet account's public key (a relay's leaf link binds it)
     * @param systemAccount   the system account's public key
     * @param preload         account public key → account JWT
     * @param resolverDir     where the server keeps the account JWTs it took
     */
    public record Auth(String operatorJwtFile, String fleetAccount, String systemAccount, Map<String, String> preload,
                       String resolverDir) {
        public Auth {
            Objects.requireNonNull(operatorJwtFile, "operatorJwtFile");
            Objects.requireNonNull(fleetAccount, "fleetAccount");
            Objects.requireNonNull(systemAccount, "systemAccount");
            Objects.requireNonNull(resolverDir, "resolverDir");
            preload = Map.copyOf(new LinkedHashMap<>(preload));
            if (!preload.containsKey(systemAccount) || !preload.containsKey(fleetAccount)) {
                throw new IllegalArgumentException("the preload must hold the system and the fleet account's JWTs");
            }
        }
    }

    /** The leaf-node side of a server. */
    public sealed interface Leaf {}

    /**
     * TLS of a leaf link, with certificates from the fleet CA: the hub's listener presents its
     * certificate and requires one from each relay ({@code verify}); a relay presents its own and
     * checks the hub's against the CA and the host name it dials.
     *
     * @param certFile this server's certificate (PEM)
     * @param keyFile  its private key (PEM, PKCS#8)
     * @param caFile   the fleet CA that the other side's certificate must chain to
     */
    public record Tls(String certFile, String keyFile, String caFile) {
        public Tls {
            Objects.requireNonNull(certFile, "certFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(caFile, "caFile");
        }

        /** The {@code tls { ... }} block, indented by {@code indent}; {@code verify}: require the peer's certificate. */
        String render(String indent, boolean verify) {
            return indent + "tls {\n"
                    + indent + "  cert_file: " + quote(certFile) + "\n"
                    + indent + "  key_file: " + quote(keyFile) + "\n"
                    + indent + "  ca_file: " + quote(caFile) + "\n"
                    + (verify ? indent + "  verify: true\n" : "")
                    + indent + "  timeout: 5\n"
                    + indent + "}\n";
        }
    }

    /**
     * Accepts leaf connections (the hub).
     *
     * @param port      leaf listen port
     * @param advertise host:port announced to remotes; set explicitly because 2.9.10 otherwise
     *                  advertises the hub's own leaf URL (even with {@code no_advertise}), letting relays
     *                  route around a proxy
     * @param tls       the listener's certificate; relays must present one from the same CA (empty
     *                  only for {@link Protection#tls()} off)
     */
    public record LeafListen(int port, String advertise, Optional<Tls> tls) implements Leaf {
        public LeafListen {
            Objects.requireNonNull(advertise, "advertise");
            Objects.requireNonNull(tls, "tls");
        }
    }

    /**
     * One login of a relay at the hub's leaf port: one leaf link each.
     *
     * @param credsFile the relay's leaf user at the hub ({@code .creds} file)
     * @param account   the local account the link binds (its public key)
     */
    public record LeafLogin(String credsFile, String account) {
        public LeafLogin {
            Objects.requireNonNull(credsFile, "credsFile");
            Objects.requireNonNull(account, "account");
        }
    }

    /**
     * Connects to the hub as a leaf node (a relay), and optionally accepts edge leaf servers.
     *
     * @param hubUrls     the hub's leaf URLs ({@code nats-leaf://host:port})
     * @param listenPort  leaf listen port for edge sites that run their own leaf server; 0 = none
     * @param logins      one remote (leaf link) per login: in operator mode the region's leaf user in
     *                    the fleet account and its system leaf user in the system account (which
     *                    carries account updates, i.e. revocations, down); empty without auth: one
     *                    anonymous link
     * @param tls         the relay's certificate on every link, and the CA the hub's must chain to
     */
    public record LeafRemote(List<URI> hubUrls, int listenPort, List<LeafLogin> logins, Optional<Tls> tls) implements Leaf {
        public LeafRemote {
            Objects.requireNonNull(tls, "tls");
            hubUrls = List.copyOf(hubUrls);
            logins = List.copyOf(logins);
            if (hubUrls.isEmpty()) {
                throw new IllegalArgumentException("a leaf remote needs at least one hub URL");
            }
        }

        /** Leaf links this relay keeps to the hub: one per login, or one anonymous. */
        public int links() {
            return Math.max(1, logins.size());
        }
    }

    /**
     * Whether clients must speak TLS: a relay's client port faces shop and factory networks, so it
     * serves its leaf certificate to every client (its own service on loopback included: 2.9.10 has
     * one client listener). The hub's client port serves only its own service and operators' tools.
     */
    public boolean clientTls() {
        return leaf instanceof LeafRemote r && r.tls().isPresent();
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        b.append("# rendered by cascade topology; do not edit\n");
        b.append("server_name: ").append(quote(serverName)).append('\n');
        b.append("listen: ").append(quote(listenHost + ":" + clientPort)).append('\n');
        b.append("http: ").append(quote(listenHost + ":" + monitorPort)).append('\n');
        b.append("max_payload: ").append(maxPayloadBytes).append('\n');
        if (leaf instanceof LeafRemote r && r.tls().isPresent()) {
            b.append("tls {\n");
            b.append("  cert_file: ").append(quote(r.tls().get().certFile())).append('\n');
            b.append("  key_file: ").append(quote(r.tls().get().keyFile())).append('\n');
            b.append("  timeout: 5\n");
            b.append("}\n");
        }
        b.append("max_pending: ").append(Math.max(64L * 1024 * 1024, 4 * maxPayloadBytes)).append('\n');
        b.append("ping_interval: ").append(quote(PING_INTERVAL.toSeconds() + "s")).append('\n');
        b.append("ping_max: ").append(PING_MAX).append('\n');
        b.append("jetstream {\n");
        b.append("  domain: ").append(quote(jetStreamDomain)).append('\n');
        b.append("  store_dir: ").append(quote(storeDir)).append('\n');
        b.append("}\n");
        b.append("leafnodes {\n");
        switch (leaf) {
            case LeafListen l -> {
                b.append("  listen: ").append(quote(listenHost + ":" + l.port())).append('\n');
                b.append("  advertise: ").append(quote(l.advertise())).append('\n');
                l.tls().ifPresent(t -> b.append(t.render("  ", true)));
            }
            case LeafRemote r -> {
                if (r.listenPort() > 0) {
                    b.append("  listen: ").append(quote(listenHost + ":" + r.listenPort())).append('\n');
                }
                String urls = String.join(", ", r.hubUrls().stream().map(u -> quote(u.toString())).toList());
                b.append("  remotes: [\n");
                List<Optional<LeafLogin>> links = r.logins().isEmpty()
                        ? List.of(Optional.empty()) : r.logins().stream().map(Optional::of).toList();
                for (Optional<LeafLogin> login : links) {
                    b.append("    {\n");
                    b.append("      urls: [").append(urls).append("]\n");
                    login.ifPresent(l -> {
                        b.append("      credentials: ").append(quote(l.credsFile())).append('\n');
                        b.append("      account: ").append(quote(l.account())).append('\n');
                    });
                    r.tls().ifPresent(t -> b.append(t.render("      ", false)));
                    b.append("    }\n");
                }
                b.append("  ]\n");
            }
        }
        b.append("}\n");
        cluster.ifPresent(c -> b.append(c.render(listenHost)));
        auth.ifPresent(a -> {
            b.append("operator: ").append(quote(a.operatorJwtFile())).append('\n');
            b.append("system_account: ").append(quote(a.systemAccount())).append('\n');
            b.append("resolver {\n");
            b.append("  type: full\n");
            b.append("  dir: ").append(quote(a.resolverDir())).append('\n');
            b.append("  allow_delete: false\n");
            b.append("}\n");
            b.append("resolver_preload {\n");
            a.preload().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e ->
                    b.append("  ").append(e.getKey()).append(": ").append(quote(e.getValue())).append('\n'));
            b.append("}\n");
        });
        return b.toString();
    }

    private static String quote(String s) {
        if (s.contains("\"") || s.contains("\n")) {
            throw new IllegalArgumentException("value cannot be rendered: " + s);
        }
        return "\"" + s + "\"";
    }
}
