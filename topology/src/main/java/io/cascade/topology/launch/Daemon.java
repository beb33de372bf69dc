package io.cascade.topology.launch;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a started service until the process is told to stop (SIGTERM, SIGINT/Ctrl-C), then closes it
 * once: the shared ending of every tier's {@code main}.
 */
public final class Daemon {

    private static final Logger LOG = LoggerFactory.getLogger(Daemon.class);

    private Daemon() {}

    /** Starts a service; what {@link #startAndRun} runs. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start() throws Exception;
    }

    /**
     * Starts a service that uses {@code resources} and runs it until the process is told to stop,
     * then closes the service and the resources; a failed start closes the resources at once.
     */
    public static void startAndRun(String name, AutoCloseable resources, Starter starter) throws Exception {
        AutoCloseable service;
        try {
            service = startWithRetry(name, starter, START_RETRY);
        } catch (Exception e) {
            resources.close();
            throw e;
        }
        runUntilStopped(name, service, resources);
    }

    /** How long a start that failed on the way to its servers (no answer, not a refusal) is tried again. */
    public static final java.time.Duration START_RETRY = java.time.Duration.ofSeconds(60);

    /**
     * Starts the service; a start that failed because a server did not answer (an {@link java.io.IOException} with no
     * JetStream API error behind it: a request timed out, nobody responded, e.g. a cluster still forming or electing
     * its leaders) is tried again, 1 s doubling to 8 s apart, for up to {@code within}. A refusal (a JetStream API
     * error, bad input) fails at once.
     */
    public static AutoCloseable startWithRetry(String name, Starter starter, java.time.Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        long wait = 1000;
        for (int attempt = 1; ; attempt++) {
            try {
                return starter.start();
            } catch (java.io.IOException e) {
                if (!transientFailure(e) || System.nanoTime() - deadline > 0) {
                    throw e;
                }
                LOG.warn("{}: start attempt {} failed ({}); trying again in {} ms", name, attempt, e.getMessage(), wait);
                Thread.sleep(wait);
                wait = Math.min(wait * 2, 8000);
            }
        }
    }

    private static boolean transientFailure(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof io.nats.client.JetStreamApiException) {
                return false;
            }
        }
        return true;
    }

    /** Set by a launcher on its child JVMs: the child stops when that process is gone. */
    public static final String PARENT_PID_PROPERTY = "cascade.parentPid";

    /**
     * Blocks until the JVM shuts down; closes {@code closeInOrder} (the service, then what it used)
     * from the shutdown hook. When
     * {@value #PARENT_PID_PROPERTY} names a process, the JVM also shuts down when that process
     * ends, so a killed launcher leaves no tier behind.
     */
    public static void runUntilStopped(String name, AutoCloseable... closeInOrder) throws InterruptedException {
        CountDownLatch closed = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            LOG.info("{} stopping", name);
            try {
                for (AutoCloseable c : closeInOrder) {
                    try {
                        c.close();
                    } catch (Exception e) {
                        LOG.warn("{} did not close cleanly: {}", name, e.toString());
                    }
                }
            } finally {
                closed.countDown();
            }
        }, name + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        String parent = System.getProperty(PARENT_PID_PROPERTY);
        if (parent != null) {
            ProcessHandle.of(Long.parseLong(parent)).ifPresentOrElse(
                    p -> p.onExit().thenRun(() -> {
                        LOG.info("{}: launcher {} is gone", name, parent);
                        System.exit(0);
                    }),
                    () -> System.exit(0));
        }
        LOG.info("{} running; stop it with Ctrl-C or SIGTERM", name);
        closed.await();
    }
}
