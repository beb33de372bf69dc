package io.cascade.topology.launch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cascade.topology.natsconf.NatsServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One supervised nats-server process: its config and log live in its own directory, it is ready
 * when its monitoring endpoint answers {@code /healthz}, and {@link #close()} stops it (SIGTERM, then
 * SIGKILL after a grace period). It can be killed and started again on the same config, ports and
 * store, as a crashed server would be.
 */
public final class NatsServerProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NatsServerProcess.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int STOP_GRACE_SECONDS = 10;

    /**
     * Servers this JVM started and has not stopped. A child process outlives the JVM that started it,
     * so when this JVM is terminated (SIGTERM, Ctrl-C) before it closed them, a shutdown hook stops
     * them: a benchmark or test run that is cut short leaves no nats-server behind.
     */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(NatsServerProcess::stop),
                "nats-server-reaper"));
    }

    private final NatsServerConfig config;
    private final Path dir;
    private final Path configFile;
    private final Path logFile;
    private Process process;

    private NatsServerProcess(NatsServerConfig config, Path dir) {
        this.config = config;
        this.dir = dir.toAbsolutePath();
        this.configFile = this.dir.resolve("nats.conf");
        this.logFile = this.dir.resolve("nats.log");
    }

    /** Writes the config into {@code dir}, starts the server and waits until it is healthy. */
    public static NatsServerProcess start(NatsServerConfig config, Path dir, Duration timeout) throws InterruptedException {
        NatsServerProcess server = written(config, dir);
        server.launch(timeout);
        return server;
    }

    /**
     * Starts the nodes of a cluster all at once (each {@code configs[i]} in {@code dirs[i]}) and waits until
     * every one is healthy: a clustered JetStream server is healthy only once its peers are up, so they
     * cannot be started one after the other. On a failure every node started is stopped.
     */
    public static List<NatsServerProcess> startAll(List<NatsServerConfig> configs, List<Path> dirs, Duration timeout)
            throws InterruptedException {
        List<NatsServerProcess> servers = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < configs.size(); i++) {
                NatsServerProcess server = written(configs.get(i), dirs.get(i));
                server.spawn();
                servers.add(server);
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (NatsServerProcess server : servers) {
                server.awaitHealthy(deadline, timeout);
            }
            return servers;
        } catch (RuntimeException | InterruptedException e) {
            servers.forEach(NatsServerProcess::close);
            throw e;
        }
    }

    private static NatsServerProcess written(NatsServerConfig config, Path dir) {
        NatsServerProcess server = new NatsServerProcess(config, dir);
        try {
            Files.createDirectories(dir);
            Files.writeString(server.configFile, config.render());
            if (config.cluster().isPresent()) {
                // it holds the route password
                Files.setPosixFilePermissions(server.configFile, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + server.configFile, e);
        }
        return server;
    }

    /** Starts the server again after {@link #kill()} or {@link #close()}, on the same config and store. */
    public synchronized void restart(Duration timeout) throws InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(name() + " is still running");
        }
        launch(timeout);
    }

    /**
     * Starts a killed node of a cluster again and returns once it serves its monitor port, without waiting for
     * {@code /healthz}: a rejoining nats-server 2.9.10 node has reported a stream "not current" there for over a
     * minute (KV_intents, twice on this machine) while it was back in the cluster. Callers wait for what they need
     * (e.g. {@link LocalFabric#awaitMetaLeader}).
     */
    public synchronized void rejoin(Duration timeout) throws InterruptedException {
        if (isAlive()) {
            throw new IllegalStateException(name() + " is still running");
        }
        spawn();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                monitor("/varz");
                LOG.info("nats-server {} running again (pid {}), rejoining its cluster", name(), process.pid());
                return;
            } catch (RuntimeException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("nats-server " + name() + " exited with " + process.exitValue()
                            + "; its log " + logFile + " ends with:\n" + LogTail.of(logFile, 20));
                }
                if (System.nanoTime() > deadline) {
                    stop(process);
                    throw new IllegalStateException("nats-server " + name() + " did not serve its monitor port within " + timeout);
                }
                Thread.sleep(25);
            }
        }
    }

    private synchronized void launch(Duration timeout) throws InterruptedException {
        spawn();
        awaitHealthy(System.nanoTime() + timeout.toNanos(), timeout);
    }

    private synchronized void spawn() {
        ProcessBuilder pb = new ProcessBuilder(NatsServerBinary.locate().toString(), "-c", configFile.toString())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start nats-server for " + name(), e);
        }
        RUNNING.add(process);
    }

    private synchronized void awaitHealthy(long deadline, Duration timeout) throws InterruptedException {
        while (!healthy()) {
            if (!process.isAlive()) {
                throw new IllegalStateException("nats-server " + name() + " exited with " + process.exitValue()
                        + "; its log " + logFile + " ends with:\n" + LogTail.of(logFile, 20));
            }
            if (System.nanoTime() > deadline) {
                stop(process);
                throw new IllegalStateException("nats-server " + name() + " was not healthy within " + timeout
                        + "; its log " + logFile + " ends with:\n" + LogTail.of(logFile, 20));
            }
            Thread.sleep(25);
        }
        LOG.info("nats-server {} ready (pid {}, client {}, monitor {})", name(), process.pid(), clientUrl(), monitorUrl());
    }

    public String name() {
        return config.serverName();
    }

    public NatsServerConfig config() {
        return config;
    }

    public Path dir() {
        return dir;
    }

    public Path logFile() {
        return logFile;
    }

    public synchronized long pid() {
        return process.pid();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** {@code tls://host:port} for clients of a server that requires TLS (a relay), else {@code nats://host:port}. */
    public String clientUrl() {
        return (config.clientTls() ? "tls://" : "nats://") + reachableHost() + ":" + config.clientPort();
    }

    public String monitorUrl() {
        return "http://" + reachableHost() + ":" + config.monitorPort();
    }

    private String reachableHost() {
        String h = config.listenHost();
        return h.equals("0.0.0.0") || h.equals("::") ? "127.0.0.1" : h;
    }

    /** True when the server answers {@code /healthz} with 200 (JetStream included). */
    public boolean healthy() throws InterruptedException {
        try {
            HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(monitorUrl() + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** The server name of the JetStream meta leader this server knows of; empty while there is none. */
    public String jetStreamMetaLeader() throws InterruptedException {
        return monitor("/jsz").path("meta_cluster").path("leader").asText("");
    }

    /** A monitoring endpoint's JSON, e.g. {@code monitor("/leafz")}. */
    public JsonNode monitor(String path) throws InterruptedException {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(monitorUrl() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IllegalStateException(name() + path + " answered " + r.statusCode() + ": " + r.body());
            }
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(name() + path + " is unreachable", e);
        }
    }

    /** Number of leaf-node connections this server has right now. */
    public int leafConnections() throws InterruptedException {
        return monitor("/leafz").path("leafnodes").asInt();
    }

    /** SIGKILL, as a crash would; {@link #restart} brings it back. */
    public synchronized void kill() throws InterruptedException {
        if (process != null && process.isAlive()) {
            RUNNING.remove(process);
            process.destroyForcibly();
            process.waitFor();
            LOG.info("nats-server {} killed", name());
        }
    }

    /** Stops the server (SIGTERM, SIGKILL after {@value #STOP_GRACE_SECONDS} s). Idempotent. */
    @Override
    public synchronized void close() {
        if (process != null && process.isAlive()) {
            stop(process);
            LOG.info("nats-server {} stopped", name());
        }
    }

    private static void stop(Process p) {
        RUNNING.remove(p);
        p.destroy();
        boolean interrupted = false;
        try {
            if (!p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            p.destroyForcibly();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
