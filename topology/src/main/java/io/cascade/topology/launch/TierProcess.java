package io.cascade.topology.launch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One tier service as a child JVM (of {@code cascade up}, a test or a bench): same java and class path as this
 * process, a main class of that class path ({@code cascade}'s own, or a tier's command such as
 * {@code io.cascade.hub.HubCommand}), its output in its own log file, told its parent's pid so it exits if the
 * parent dies ({@link Daemon#PARENT_PID_PROPERTY}); it can be started again with the same command
 * ({@link #restart()}, by {@code cascade up}'s supervisor).
 */
public final class TierProcess implements AutoCloseable {

    static final int STOP_GRACE_SECONDS = 10;

    private final String name;
    private final List<String> command;
    private final Path log;
    private volatile Process process;
    private volatile int restarts;

    private TierProcess(String name, List<String> command, Path log) {
        this.name = name;
        this.command = List.copyOf(command);
        this.log = log;
    }

    /** Starts {@code mainClass <args>} in a child JVM, logging to {@code logDir/<name>.log}. */
    public static TierProcess start(String name, Path logDir, String mainClass, List<String> args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-D" + Daemon.PARENT_PID_PROPERTY + "=" + ProcessHandle.current().pid(),
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", System.getProperty("java.class.path"), mainClass));
        cmd.addAll(args);
        Path log = logDir.resolve(name + ".log");
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        TierProcess t = new TierProcess(name, cmd, log);
        t.process = t.spawn();
        return t;
    }

    private Process spawn() {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Starts the same command again (its log goes on in the same file); the previous process must have exited. */
    public synchronized void restart() {
        if (process.isAlive()) {
            throw new IllegalStateException(name + " (pid " + process.pid() + ") is still running");
        }
        process = spawn();
        restarts++;
    }

    /** How often {@link #restart()} started it again. */
    public int restarts() {
        return restarts;
    }

    /** Completes with the exit status of the current process when it exits. */
    public java.util.concurrent.CompletableFuture<Integer> onExit() {
        return process.onExit().thenApply(Process::exitValue);
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    /** The last lines of the log, for an error message. */
    public String logTail(int lines) {
        return LogTail.of(log, lines);
    }

    /** SIGKILL (kill -9): no shutdown hook runs, nothing is flushed or released; returns once the process is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** SIGTERM, then SIGKILL after the grace period. Idempotent. */
    @Override
    public synchronized void close() {
        Process process = this.process;
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
