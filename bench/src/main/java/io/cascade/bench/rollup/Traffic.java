package io.cascade.bench.rollup;

import com.fasterxml.jackson.annotation.JsonIgnore;
import io.cascade.bench.BenchReport;

/**
 * Messages and bytes a nats-server took in (or sent) over a measured window, and the rates.
 *
 * @param msgs        messages in the window
 * @param bytes       payload bytes in the window (nats-server counts payloads, not protocol lines)
 * @param msgsPerSec  {@code msgs} per second of the window, one decimal
 * @param bytesPerSec {@code bytes} per second of the window, one decimal
 */
record Traffic(long msgs, long bytes, double msgsPerSec, double bytesPerSec) {

    static final Traffic NONE = new Traffic(0, 0, 0, 0);

    static Traffic of(long msgs, long bytes, double seconds) {
        return new Traffic(msgs, bytes, BenchReport.round1(msgs / seconds), BenchReport.round1(bytes / seconds));
    }

    /** Mean payload bytes per message; 0 without messages. */
    @JsonIgnore
    double bytesPerMsg() {
        return msgs == 0 ? 0 : (double) bytes / msgs;
    }
}
