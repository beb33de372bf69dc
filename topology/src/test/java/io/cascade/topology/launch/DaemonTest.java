package io.cascade.topology.launch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** A service's start that met servers not answering yet is tried again; a refusal or bad input is not. */
class DaemonTest {

    @Test
    void aStartThatTimedOutIsTriedAgainUntilItWorks() throws Exception {
        AtomicInteger attempts = new AtomicInteger();
        AutoCloseable service = () -> { };
        AutoCloseable started = Daemon.startWithRetry("test", () -> {
            if (attempts.incrementAndGet() < 3) {
                throw new IOException("Timeout or no response waiting for NATS JetStream server");
            }
            return service;
        }, Duration.ofSeconds(30));
        assertThat(started).isSameAs(service);
        assertThat(attempts).hasValue(3);
    }

    @Test
    void aStartStillFailingWhenTheTimeIsUpFails() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Daemon.startWithRetry("test", () -> {
            attempts.incrementAndGet();
            throw new IOException("no responders");
        }, Duration.ZERO)).isInstanceOf(IOException.class).hasMessage("no responders");
        assertThat(attempts).hasValue(1);
    }

    @Test
    void badInputFailsAtOnce() {
        AtomicInteger attempts = new AtomicInteger();
        assertThatThrownBy(() -> Daemon.startWithRetry("test", () -> {
            attempts.incrementAndGet();
            throw new IllegalArgumentException("--replicas must be 1 or 3");
        }, Duration.ofSeconds(30))).isInstanceOf(IllegalArgumentException.class);
        assertThat(attempts).hasValue(1);
    }
}
